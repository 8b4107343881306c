#!/usr/bin/env bash
# issue #13 stop-after-supported lever, machine E class, one set at a time, nothing else running.
cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
E=.venv/bin/newsdesk
L=/tmp/s38/chain.log
echo "start $(date -u +%FT%TZ) $(git rev-parse --short HEAD) + working tree" > $L
$E eval --set multihop-dev --limit 120 --seed 7 --out /tmp/s38/stop2-dev --quiet > /tmp/s38/stop2-dev.log 2>&1; echo "dev $? $(date -u +%T)" >> $L
$E eval --set multihop-validation --limit 120 --seed 7 --out /tmp/s38/stop-val --quiet > /tmp/s38/stop-val.log 2>&1; echo "val $? $(date -u +%T)" >> $L
NEWSDESK_LLM__STOP_AFTER_SUPPORTED=false $E eval --set multihop-validation --limit 120 --seed 7 --out /tmp/s38/off-val --quiet > /tmp/s38/off-val.log 2>&1; echo "val-off $? $(date -u +%T)" >> $L
$E eval --set seeds-paraphrase --out /tmp/s38/stop-para --quiet > /tmp/s38/stop-para.log 2>&1; echo "para $? $(date -u +%T)" >> $L
$E eval --set followups-seeds --out /tmp/s38/stop-fs --quiet > /tmp/s38/stop-fs.log 2>&1; echo "fs $? $(date -u +%T)" >> $L
$E eval --set followups-multihop --out /tmp/s38/stop-fm --quiet > /tmp/s38/stop-fm.log 2>&1; echo "fm $? $(date -u +%T)" >> $L
$E eval --set followups-heldout-multihop --out /tmp/s38/stop-heldout --quiet > /tmp/s38/stop-heldout.log 2>&1; echo "heldout $? $(date -u +%T)" >> $L
$E eval --set seeds --out /tmp/s38/stop2-seeds --quiet > /tmp/s38/stop2-seeds.log 2>&1; echo "seeds $? $(date -u +%T)" >> $L
$E eval --set tuning-multihop --out /tmp/s38/stop-tuning --quiet > /tmp/s38/stop-tuning.log 2>&1; echo "tuning $? $(date -u +%T)" >> $L
echo done >> $L
