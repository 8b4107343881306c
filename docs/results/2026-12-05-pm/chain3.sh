cd /work/main; export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag; E=.venv/bin/newsdesk; L=/tmp/s38/chain3.log
echo "start $(date -u +%T)" > $L
$E eval --set followups-seeds --out /tmp/s38/s3-fs --quiet > /dev/null 2>&1; echo "fs $? $(date -u +%T)" >> $L
$E eval --set followups-multihop --out /tmp/s38/s3-fm --quiet > /dev/null 2>&1; echo "fm $? $(date -u +%T)" >> $L
$E eval --set followups-heldout-multihop --out /tmp/s38/s3-heldout --quiet > /dev/null 2>&1; echo "heldout $? $(date -u +%T)" >> $L
echo done >> $L
