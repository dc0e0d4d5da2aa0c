/** Texts of the duty roster (值班). */
export const duty = {
  'arg.dutyDay': '日期',
  'arg.dutyShift': '班次',
  'arg.dutyMember': '值班人',
  'arg.dutyRouting': '非工作时间的紧急事项',

  'cmd.dutyRoster.summary': '排班或换班：某单位（社区、镇街）某天的白班、夜班或全天由谁值班，节假日照排',
  'cmd.dutyRoster.usage': '排班 <单位> <日期> <白班|夜班|全天> <值班人>',
  'cmd.dutyRoster.example': '排班 阳光社区 明天 夜班 周网格长',
  'cmd.dutyToday.summary': '查看今天的值班表（本单位及上级）',
  'cmd.dutyToday.usage': '值班 [单位]',
  'cmd.dutyToday.example': '值班 阳光社区',
  'cmd.dutyRouting.summary': '非工作时间的紧急事件、紧急任务逾期：同时发给值班人，或只发给值班人（不再发给领导）',
  'cmd.dutyRouting.usage': '值班设置 <同时通知|只通知值班人>',
  'cmd.dutyRouting.example': '值班设置 同时通知',

  /** 排班's shift words: word=day|night|both. */
  'input.dutyShift': '白班=day、日班=day、夜班=night、晚班=night、全天=both、全日=both',
  /** 值班设置's words: also = the leaders and the person on duty; instead = the person on duty alone. */
  'input.dutyRouting': '同时通知=also、同时=also、只通知值班人=instead、代替=instead、只通知值班=instead',

  'schedule.desc.dutyStart': '值班开始时（8:00 白班、20:00 夜班）把未办完的紧急事项发给值班人',

  'duty.shift.day': '白班',
  'duty.shift.night': '夜班',
  'duty.entered': '已排班：{unit} {day} {shifts} 由 {name} 值班。',
  'duty.err.day': '日期写成 2027-03-01、3月1日、今天或明天',
  'duty.err.level': '值班表按社区、镇(街道)排，「{unit}」是网格：请写它所在的社区。',
  'duty.roster.head': '今天（{day}）值班：',
  'duty.roster.line': '· {unit}：白班 {day}{dayMark}，夜班 {night}{nightMark}',
  'duty.roster.empty': '今天（{day}）还没有排班。排班：排班 <单位> <日期> <白班|夜班|全天> <值班人>',
  'duty.now': '（当前）',
  'duty.nobody': '未排',
  'duty.routing.also': '已设置：非工作时间的紧急事项同时发给值班人和平时的负责人。',
  'duty.routing.instead': '已设置：非工作时间的紧急事项只发给值班人（无人值班时仍发给平时的负责人）。',
  'duty.afterHours': '【值班】非工作时间的紧急事项，请值班人跟进。',
  'duty.start.title': '值班交接 · {unit}',
  'duty.start.day': '白班开始，以下是 {unit} 未办完的紧急事项：',
  'duty.start.night': '夜班开始，以下是 {unit} 未办完的紧急事项：',
  'duty.start.none': '目前没有未办完的紧急事项。',
  'duty.start.event': '· 事件 {number}（{urgency}）：{description}',
  'duty.start.task': '· 紧急任务 {number}「{title}」，时限 {deadline}',
  'duty.import.done': '已导入值班表 {count} 班。',
} as const;
