#!/bin/bash
# Benchmark (not a test): Redis commands a `我是谁` costs, counted on a private Redis with MONITOR.
#
#   npm run build && bash bench/redis-commands.sh            (N=300 messages; RATE=<n> sets SANDBOX_SEND_RATE)
#
# Starts redis-server on port 6391 (nothing else uses it), the production build on a fresh MariaDB
# database (no demo organisation: the sender is unknown, which takes the same path — receipt,
# inbound job, one transaction with the outbox row, the send job, the sandbox store), posts N messages
# with client ids by 4 connections, waits for every answer, and prints the client-issued commands
# (commands run inside Lua scripts are not counted) per message, by command and script key.
set -euo pipefail
N=${N:-300}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${BOT_PORT:-18791}
RPORT=6391
tmp=$(mktemp -d)
redis-server --port $RPORT --save '' --appendonly no >"$tmp/redis.log" 2>&1 &
rpid=$!
db=gbt_bench_redis_commands_$$
cleanup() { kill ${mpid:-} ${bpid:-} 2>/dev/null || true; kill $rpid 2>/dev/null || true; mysql -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $db" || true; }
trap cleanup EXIT
sleep 0.5
mysql -h127.0.0.1 -uroot -e "CREATE DATABASE $db CHARACTER SET utf8mb4"
cd "$ROOT"
PORT=$PORT NODE_ENV=production LOG_LEVEL=warn DATABASE_URL=mysql://root@127.0.0.1:3306/$db REDIS_URL=redis://127.0.0.1:$RPORT QUEUE_PREFIX=gbrc \
  SANDBOX_ENABLED=true SANDBOX_SEND_RATE=${RATE:-0} PII_KEY=$(head -c32 /dev/urandom | base64) node dist/src/main.js >"$tmp/bot.log" 2>&1 &
bpid=$!
for _ in $(seq 1 150); do curl -sf localhost:$PORT/readyz >/dev/null && break; sleep 0.2; done
post() { curl -s -XPOST localhost:$PORT/sandbox/api/messages -H 'content-type: application/json' -d "{\"conversation\":\"dm-$1\",\"user\":\"$1\",\"text\":\"我是谁\",\"id\":\"$2\"}" >/dev/null; }
for i in 1 2 3; do post w$i w$i; done # warm-up (the first message builds caches)
sleep 3
redis-cli -p $RPORT monitor >"$tmp/monitor.txt" &
mpid=$!
sleep 0.5
node -e "
(async () => { let next = 0; const N = $N;
  await Promise.all(Array.from({ length: 4 }, async () => { while (next < N) { const i = next++; const u = 'u' + (i % 8);
    const r = await fetch('http://127.0.0.1:$PORT/sandbox/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversation: 'dm-' + u, user: u, text: '我是谁', id: 'r' + i }) });
    if (r.status !== 202) throw new Error('status ' + r.status); } }));
})()"
stored=0
for _ in $(seq 1 200); do
  stored=$(redis-cli -p $RPORT eval "local t=0 for _,k in ipairs(redis.call('keys','gbrc:sandbox:conv:dm-u*')) do t=t+redis.call('zcard',k) end return t" 0)
  [ "$stored" -ge $((2 * N)) ] && break
  sleep 0.3
done
sleep 1.5
kill $mpid
calls=$(grep -v 'lua\]' "$tmp/monitor.txt" | grep -c '"' || true)
echo "messages $N, stored (questions + answers) $stored, client-issued commands $calls: $(echo "scale=1; $calls / $N" | bc) per message"
grep -v 'lua\]' "$tmp/monitor.txt" | awk '{ print $4, ($4 == "\"evalsha\"" ? substr($5, 2, 8) " " $7 : "") }' | tr -d '"' | sort | uniq -c | sort -rn | head -12
