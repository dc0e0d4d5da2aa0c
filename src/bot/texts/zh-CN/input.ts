/**
 * Words the bot reads (not says): synonyms for suggestions, problem words, flag words. A deployer
 * changes them with TEXTS_FILE like any text; lists are separated by 、 and pairs written word=value.
 */
export const input = {
  /** Phrases people use for a command, for suggestions (`打卡` → 签到); value is the command's name. */
  'input.synonyms':
    '打卡=签到、报到=签到、上班了=签到、下班了=签退、收工=签退、报个事=上报、报个事情=上报、反映=上报、反应=上报、举报=上报、投诉=上报、报告=上报、提交事件=上报、' +
    '接收=签收、领任务=签收、收到任务=签收、收到=签收、完成=办结、搞定=办结、做完了=办结、处理完=办结、办完=办结、弄好了=办结、已完成=办结、' +
    '延迟=申请延期、推迟=申请延期、宽限=申请延期、晚几天=申请延期、进展=进度、汇报进度=进度、查任务=任务、看任务=任务、我的待办=待办、' +
    '请个假=请假、休假=请假、请病假=请假、巡逻=巡查、走访=巡查、日志=民情日志、周报=报送、报信息=报送、考勤记录=考勤、得分=考核、分数=考核、打分=考核、' +
    '排名=统计、报表=导出、台账=导出、例会=周例会、开会=周例会、用法=帮助、怎么用=帮助、说明=帮助、命令=帮助、指令=帮助、身份=我是谁、' +
    '分派=派单、下派=派单、交办=派单、指派=派单、转交=改派、撤单=撤回、评分=评价、' +
    '你好=帮助、您好=帮助、在吗=帮助、在不在=帮助、hello=帮助、hi=帮助',
  /** Words that mark a message as describing a problem in the grid (offered as a report). */
  'input.problemWords':
    '坏了、坏掉、损坏、破损、破了、漏水、渗水、爆管、堵塞、堵了、不通、堆放、乱堆、乱扔、乱倒、乱停、违停、占道、噪音、噪声、扰民、隐患、积水、塌陷、' +
    '脱落、倾斜、倒伏、倒了、纠纷、吵架、打架、违建、私搭、乱搭、垃圾、污水、异味、臭味、冒烟、着火、失火、起火、漏电、电线、断电、停水、不亮、' +
    '没人管、井盖、下水道、裂缝、危房、欠薪、走失、流浪狗、野狗、油烟、小广告、涂鸦、占用、堆满、溢出、老鼠、火灾、漏气、燃气',
  /** 派单's priority flag. */
  'input.priority': '紧急=urgent、加急=urgent、普通=normal、一般=normal',
  /** 上报's urgency flag. */
  'input.urgency': '一般=normal、紧急=urgent、重大=major',
  /** Dialog answers: skip a question, done sending photos, yes to a suggestion. */
  'input.skip': '跳过、没有、无、不用',
  'input.done': '完成、好了、发完了、没有了、跳过、没有、无',
  'input.yes': '是、对、好、确认、是的、y、yes',
  /** A possible duplicate report: file it anyway (the first word is what the button sends), or merge it (`并入 编号`). */
  'input.reportAnyway': '仍然上报、新建',
  'input.merge': '并入',
  /** Schedules: Monday to Friday. */
  'input.workdays': '工作日',
  /** Schedules: every day. */
  'input.everyDay': '每天、每日',
  /** Schedules: back to the default. */
  'input.default': '默认、恢复默认',
  /** 设置边界: remove the boundary. */
  'input.clear': '清除',
  /** Assessment periods as people say them → the period words the assessment reads (本月, 上月, 本季度, 上季度, 今年, 去年). */
  'input.periods': '本月=本月、这个月=本月、当月=本月、上月=上月、上个月=上月、本季=本季度、本季度=本季度、这个季度=本季度、上季度=上季度、上个季度=上季度、今年=今年、本年=今年、本年度=今年、去年=去年',
  /** Answering a quoted task card with this word signs it (签收). */
  'input.acknowledge': '收到、收到了、好的收到、已收到',
  /** The 不用 button of a report offer sends this. */
  'input.dismiss': '不用上报、不上报',
  'understand.suggest': '没有「{word}」这个命令。您是不是想：',
  'understand.offer.title': '要上报为事件吗？',
  'understand.offer.line': '「{text}」',
  'understand.offer.hint': '点「上报为事件」即可上报；不点不会上报。',
  'understand.offer.report': '上报为事件',
  'understand.offer.dismiss': '不用',
  'understand.dismissed': '好的，不上报。',
  'understand.quoted': '（针对 {number}）',
  'deadline.warn.offDay': '注意：时限 {deadline} 是休息日。',
  'deadline.warn.quiet': '注意：时限 {deadline} 在休息时间。',
  'deadline.warn.alternative': '改为 {alternative}',
  'arg.targetNotFound': '找不到「{target}」这个成员或单位。',
  'arg.title': '标题',
  'arg.priority': '优先级',
  'deadline.err.unreadable': '看不懂时限「{value}」。',
  'deadline.err.in_past': '时限「{value}」（{readAs}）已经过去了，请给一个将来的时间。',
  'deadline.err.too_far': '时限「{value}」（{readAs}）超过一年，请检查。',
  'deadline.hint': '时限可以写：明天17:00、11月30日、3个工作日、下周一、月底、本周内、三天内。',
  'arg.taskNumberBad': '应为任务编号，如 T20261122-0007',
} as const;
