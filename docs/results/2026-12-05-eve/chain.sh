#!/usr/bin/env bash
# issue #13 opening-guard lever, machine E class, one set at a time, nothing else running.
cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
E=.venv/bin/newsdesk
L=/tmp/s40/chain.log
echo "start $(date -u +%FT%TZ) $(git rev-parse --short HEAD) + working tree" > $L
$E eval --set multihop-dev --limit 120 --seed 7 --out /tmp/s40/g-dev --quiet > /tmp/s40/g-dev.log 2>&1; echo "dev $? $(date -u +%T)" >> $L
$E eval --set tuning-multihop --out /tmp/s40/g-tuning --quiet > /tmp/s40/g-tuning.log 2>&1; echo "tuning $? $(date -u +%T)" >> $L
$E eval --set followups-seeds --out /tmp/s40/g-fs --quiet > /tmp/s40/g-fs.log 2>&1; echo "fs $? $(date -u +%T)" >> $L
$E eval --set followups-multihop --out /tmp/s40/g-fm --quiet > /tmp/s40/g-fm.log 2>&1; echo "fm $? $(date -u +%T)" >> $L
echo "tuning-done $(date -u +%T)" >> $L
[ -e /tmp/s40/STOP ] && exit 0
$E eval --set multihop-validation --limit 120 --seed 7 --out /tmp/s40/g-val --quiet > /tmp/s40/g-val.log 2>&1; echo "val $? $(date -u +%T)" >> $L
$E eval --set seeds --out /tmp/s40/g-seeds --quiet > /tmp/s40/g-seeds.log 2>&1; echo "seeds $? $(date -u +%T)" >> $L
$E eval --set seeds-paraphrase --out /tmp/s40/g-para --quiet > /tmp/s40/g-para.log 2>&1; echo "para $? $(date -u +%T)" >> $L
$E eval --set followups-heldout-multihop --out /tmp/s40/g-heldout --quiet > /tmp/s40/g-heldout.log 2>&1; echo "heldout $? $(date -u +%T)" >> $L
echo done >> $L
