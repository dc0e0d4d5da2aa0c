/** The info report is stored with attendance (its reports, the gridworkers' leave): one repository. */
export type { AttendanceRepo, AttendanceRepos as InfoReportRepos, InfoReportRecord } from '../attendance/ports';
