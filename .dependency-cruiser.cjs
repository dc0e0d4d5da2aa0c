/** Guards the layering of DESIGN §2: adapters → bot/jobs → domain, and no import cycles. */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make start-up order and testing fragile; type-only cycles count too (they tangle the design even when they vanish at run time).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain holds the rules: no I/O libraries, no other layer of ours.',
      from: { path: '^src/domain' },
      to: { path: ['^src/(bot|jobs|adapters|runtime|main|metrics)', 'node_modules/(koa|@koa|bullmq|typeorm|ioredis|mysql2|better-sqlite3|pino|dingtalk-stream|@wecom|wechaty)'] },
    },
    {
      name: 'bot-knows-no-platform',
      severity: 'error',
      comment: 'The bot speaks through ports; it never touches a driver, a queue or a channel.',
      from: { path: '^src/bot' },
      to: { path: ['^src/(jobs|adapters|runtime|main)', 'node_modules/(koa|@koa|bullmq|typeorm|ioredis|mysql2|better-sqlite3|dingtalk-stream|@wecom|wechaty)'] },
    },
    {
      name: 'jobs-know-no-adapter',
      severity: 'error',
      from: { path: '^src/jobs' },
      to: { path: ['^src/(adapters|runtime|main)', 'node_modules/(koa|@koa|typeorm|dingtalk-stream|@wecom|wechaty)'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    parser: 'swc',
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
