/** Texts of training hours (培训学时). */
export const training = {
  'arg.trainingName': '培训名称',
  'arg.trainingDay': '日期',
  'arg.trainingHours': '学时',
  'arg.trainingAttendees': '参加人或单位',

  'cmd.recordTraining.summary': '登记一次培训：参加人可写成员或单位（单位内全部成员），用、隔开',
  'cmd.recordTraining.usage': '培训 <培训名称> <日期> <学时> <参加人或单位>',
  'cmd.recordTraining.example': '培训 网格员业务培训 2026-11-20 4 阳光社区',
  'cmd.trainingHours.summary': '查看本年培训学时（每年不少于40学时）；负责人可查看下属',
  'cmd.trainingHours.usage': '学时 [成员]',
  'cmd.trainingHours.example': '学时 冯网格员',

  'schedule.desc.trainingShortfall': '第四季度每月1日提醒培训学时不足40的网格员及其网格长',

  'training.err.hours': '学时写成数字，如 2 或 2.5，最多80',
  'training.err.future': '培训日期 {day} 还没到：培训结束后再登记。',
  'training.err.outside': '「{name}」不在您管辖的单位，不能为其登记培训。未作任何修改。',
  'training.err.nobody': '参加人里没有成员，未登记。',
  'training.err.notYours': '您不能查看 {name} 的培训学时。',
  'training.recorded': '已登记培训「{name}」（{day}，{hours}学时），共 {count} 人。',
  'training.hours.head': '{name} {year}年培训学时：{hours} / {required}',
  'training.hours.short': '还差 {missing} 学时。',
  'training.hours.met': '已达到本年要求。',
  'training.hours.line': '· {day} {name} {hours}学时',
  'training.warn.member': '【培训学时提醒】您{year}年的培训学时为 {hours}，要求不少于 {required} 学时，还差 {missing} 学时，请在年底前参加培训。',
  'training.warn.head': '【培训学时提醒】以下网格员{year}年培训学时不足 {required}：',
  'training.warn.line': '· {name}：{hours} 学时，差 {missing} 学时',
} as const;
