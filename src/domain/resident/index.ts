/** Residents reporting without a login (the 网格联系卡 page) and the public account (工作公开). */
export * from './limits';
export * from './public-account';
