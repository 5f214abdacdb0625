/**
 * The departments a prefecture city dispatches to (派单目录), and the subset each
 * district mirrors. `kind` groups them for routing rules in the cases module.
 */
export const CITY_DEPARTMENTS: [kind: string, name: string][] = [
  ['hotline', '12345政务服务便民热线'],
  ['command', '市域社会治理现代化指挥中心'],
  ['urban_management', '城市管理局'],
  ['law_enforcement', '综合行政执法局'],
  ['housing', '住房和城乡建设局'],
  ['water', '水务局'],
  ['water_supply', '自来水公司'],
  ['gas', '燃气集团'],
  ['power', '供电公司'],
  ['police', '公安局'],
  ['traffic_police', '公安局交通警察支队'],
  ['fire', '消防救援支队'],
  ['emergency', '应急管理局'],
  ['market', '市场监督管理局'],
  ['environment', '生态环境局'],
  ['transport', '交通运输局'],
  ['planning', '自然资源和规划局'],
  ['health', '卫生健康委员会'],
  ['education', '教育局'],
  ['civil_affairs', '民政局'],
  ['human_resources', '人力资源和社会保障局'],
  ['justice', '司法局'],
  ['petitions', '信访局'],
  ['agriculture', '农业农村局'],
  ['culture', '文化广电和旅游局'],
  ['commerce', '商务局'],
  ['veterans', '退役军人事务局'],
  ['medical_insurance', '医疗保障局'],
  ['politics_law', '政法委员会'],
  ['court', '中级人民法院'],
  ['procuratorate', '人民检察院'],
];

export const DISTRICT_DEPARTMENTS: [kind: string, name: string][] = [
  ['urban_management', '城市管理局'],
  ['housing', '住房和城乡建设局'],
  ['police', '公安分局'],
  ['market', '市场监督管理局'],
  ['environment', '生态环境分局'],
  ['civil_affairs', '民政局'],
  ['justice', '司法局'],
  ['politics_law', '政法委员会'],
];
