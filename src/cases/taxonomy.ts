/**
 * The seed of the case category taxonomy (案件分类): what a city starts with before its
 * administrators edit the catalogue. Three kinds share one tree:
 *
 * - **events** (事件) and **components** (部件) of digital urban management, after
 *   GB/T 30428.2-2013 (数字化城市管理信息系统 第2部分：管理部件和事件), itself the successor of
 *   CJ/T 214-2007. The standard has two levels, a major class and a subclass, each subclass with
 *   its own registration condition (立案条件), handling time limit (处置时限) and closing
 *   condition (结案条件). Event majors 01 市容环境, 02 宣传广告, 03 施工管理, 04 突发事件,
 *   05 街面秩序 and component majors 01 公用设施, 02 道路交通, 03 市容环境, 04 园林绿化,
 *   05 房屋土地, 06 其他设施 keep the standard's numbers. Subclass numbers follow the
 *   standard's order where it is known (e.g. 公用设施 0101 上水井盖, 0102 污水井盖, 0103 雨水井盖,
 *   0104 雨水箅子, 0105 电力井盖, as in Beijing Chaoyang's 2013 edition) and are otherwise this
 *   city's own: like every city we extend, merge and drop subclasses. E06 社会治理 (safety
 *   hazards and disputes found by grid workers) is such an extension class.
 * - **subjects** (诉求) of the 12345 hotline, grouped the way hotline reports count them
 *   (城乡建设, 公用事业, 生态环境, 市场监管, 劳动和社会保障, 交通运输, 公共安全, 社会事业),
 *   after the first-level classes of Beijing's 接诉即办 reports and hotline classification
 *   standards such as Hohhot's DB1501/T 0032-2023 and Guangdong's DB44/T 2479-2024; a third
 *   level is used where a subject splits further (供水 → 停水, 水质, 户内管道漏水).
 *
 * Codes: a kind letter, then two digits per level. `E01` is an event major class and `E0101`
 * its subclass; `C01`/`C0101` components; `H01`/`H0101`/`H010101` hotline subjects. A code's
 * parent is the code without its last two digits. (The standard's component object codes,
 * 6-digit county + 2 major + 2 minor + 6 serial, e.g. 320508 01 01 000001 for a 上水井盖 in
 * Suzhou's Gusu district, identify single facilities and belong to a facility register, not here.)
 *
 * Only leaves carry the handling fields. Limits are per urgency: `hours` are working hours,
 * `days` working days (both on the city's working calendar), and `critical` always counts
 * natural, round-the-clock hours. The values follow published city editions where one was
 * found (济源: 暴露垃圾 1 working day, 违法搭建 15 working days; another city's 事件类 table:
 * 暴露垃圾 4 working hours, 私搭乱建 停工 4 working hours / 处罚 7 working days) and are
 * otherwise set to the same practice; 12345 consultations take 1–3 working days and
 * complaints 5–15. Conditions are written for this platform, not copied.
 *
 * For `private` leaves (私事: answered with advice and closed) and `community` leaves (小事) the
 * department kind is `community`, the committee that advises or handles; a dispatcher who
 * re-triages such a case as a government matter picks the department by hand.
 */
import { DEPARTMENT_KINDS } from './cases.contract.js';

/** Who usually owns it (三事分流): a department, the community committee, or the resident or market (advice only). */
export type Triage = 'government' | 'community' | 'private';
export type Urgency = 'routine' | 'urgent' | 'critical';
/** `hours`: working hours; `days`: working days; `natural_hours`: round-the-clock hours. */
export interface TimeLimit { amount: number; unit: 'hours' | 'days' | 'natural_hours' }

export interface CategorySeed {
  /** Kind letter and two digits per level: 'E01', 'E0101', 'C0101', 'H010101'. */
  code: string;
  /** The code without its last two digits; null for a major class. */
  parentCode: string | null;
  /** zh-CN name. */
  name: string;
  /** Short English name for the English interface. */
  nameEn: string;
  kind: 'event' | 'component' | 'subject';
  /** Who usually owns it (三事分流); leaves only. */
  triage?: Triage;
  /** Department kind that handles it (see src/demo/departments.ts), or 'community' for the community committee; leaves only. */
  departmentKind?: string;
  /** 立案条件, one sentence, zh-CN; leaves only. */
  registerCondition?: string;
  /** 结案条件, one sentence, zh-CN; leaves only. */
  closeCondition?: string;
  /** Handling limit by urgency; leaves only; critical uses natural hours. */
  limits?: Record<Urgency, TimeLimit>;
}

// The department kinds a leaf may name live in cases.contract.ts, which the web app reads too.
export { DEPARTMENT_KINDS };
type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

/** `4h` four working hours, `5d` five working days. */
type Span = `${number}h` | `${number}d`;

function span(s: Span): TimeLimit {
  return { amount: Number(s.slice(0, -1)), unit: s.endsWith('h') ? 'hours' : 'days' };
}

/** Limits for routine and urgent cases in working time, and for critical ones in natural hours. */
function limits(routine: Span, urgent: Span, criticalNaturalHours: number): Record<Urgency, TimeLimit> {
  return { routine: span(routine), urgent: span(urgent), critical: { amount: criticalNaturalHours, unit: 'natural_hours' } };
}

type Branch = readonly [code: string, name: string, nameEn: string];
type Leaf = readonly [
  code: string, name: string, nameEn: string, triage: Triage, departmentKind: DepartmentKind,
  registerCondition: string, closeCondition: string, limits: Record<Urgency, TimeLimit>,
];

/** Parents before children, so the rows insert in order. */
const ROWS: readonly (Branch | Leaf)[] = [
  // ── Events (GB/T 30428.2 事件) ───────────────────────────────────────────────
  ['E01', '市容环境', 'Cityscape and sanitation'],
  ['E0101', '私搭乱建', 'Illegal structure', 'government', 'law_enforcement',
    '未经规划许可在道路、广场、绿地、屋顶或院落搭建建筑物、构筑物或其他设施', '违法建设已拆除，或已依法立案查处且现场停止施工', limits('5d', '2d', 24)],
  ['E0102', '暴露垃圾', 'Exposed garbage', 'government', 'urban_management',
    '道路、广场、绿地等公共区域有成堆、成片或散落未入容器的生活垃圾', '垃圾已清除、地面已清扫，现场无残留', limits('1d', '4h', 2)],
  ['E0103', '积存垃圾渣土', 'Accumulated refuse and spoil', 'government', 'urban_management',
    '公共区域积存超过临时堆放时限的建筑垃圾、渣土或混合垃圾', '垃圾渣土已清运完毕，堆放点已清扫平整', limits('4d', '1d', 12)],
  ['E0104', '道路不洁', 'Dirty road', 'government', 'urban_management',
    '保洁作业时段后道路、人行道仍有明显污物、油污或泥浆', '路面已清扫冲洗，无明显污物', limits('4h', '2h', 2)],
  ['E0105', '水域不洁', 'Dirty waterway', 'government', 'water',
    '河道、湖塘等水域有成片漂浮垃圾、油污、死鱼或明显淤积', '漂浮物和油污已打捞清除，水面无成片垃圾', limits('3d', '1d', 12)],
  ['E0106', '绿地脏乱', 'Littered green space', 'government', 'urban_management',
    '绿地、绿化带内有明显垃圾、杂物或枯枝落叶堆积', '绿地内垃圾杂物已清除', limits('1d', '4h', 4)],
  ['E0107', '道路破损', 'Damaged road surface', 'government', 'urban_management',
    '车行道、人行道出现坑槽、沉陷、拱起或铺装松动缺失，影响通行', '破损路面已修补平整，恢复正常通行', limits('3d', '4h', 2)],
  ['E0108', '废弃车辆', 'Abandoned vehicle', 'government', 'traffic_police',
    '公共区域长期停放、无人使用且明显破损的机动车或非机动车', '废弃车辆已移走，或已由车主认领处理', limits('5d', '2d', 24)],
  ['E0109', '废弃家具设备', 'Discarded furniture and appliances', 'government', 'urban_management',
    '公共区域丢弃家具、家电、床垫等大件废弃物', '大件废弃物已清运', limits('1d', '4h', 4)],
  ['E0110', '焚烧垃圾树叶', 'Open burning of refuse', 'government', 'urban_management',
    '在公共场所或居住区露天焚烧垃圾、树叶、秸秆等', '焚烧已制止，余烬和残留物已清理', limits('2h', '1h', 1)],
  ['E0111', '餐饮油烟污染', 'Restaurant fume pollution', 'government', 'law_enforcement',
    '餐饮经营者未安装或未正常使用油烟净化设施，油烟直排影响周边居民', '油烟净化设施已安装并正常使用，或经营者已被依法处理', limits('5d', '2d', 24)],
  ['E0112', '动物尸体', 'Animal carcass', 'government', 'urban_management',
    '道路或公共区域有动物尸体', '动物尸体已清除，现场已消毒', limits('4h', '2h', 2)],
  ['E0113', '垃圾满溢', 'Overflowing bin', 'government', 'urban_management',
    '垃圾桶（箱）、垃圾房内垃圾超出容量外溢', '垃圾已清运，桶（箱）周边已清扫', limits('4h', '2h', 2)],
  ['E0114', '乱涂写乱刻画', 'Graffiti', 'government', 'urban_management',
    '建筑物外墙、公共设施或树木上有乱涂写、乱刻画', '涂写刻画已清除或覆盖，墙面颜色协调', limits('2d', '1d', 8)],

  ['E02', '宣传广告', 'Advertising'],
  ['E0201', '非法小广告', 'Fly-posting', 'government', 'urban_management',
    '在建筑物、公共设施、树木等处张贴、涂写或喷涂小广告', '小广告已清除，无明显残留痕迹', limits('1d', '4h', 4)],
  ['E0202', '街头散发广告', 'Handbills in the street', 'government', 'urban_management',
    '在道路、广场等公共场所散发商业宣传品，影响市容', '散发行为已制止，散落宣传品已清理', limits('2h', '1h', 1)],
  ['E0203', '违规户外广告', 'Unauthorised outdoor advertising', 'government', 'law_enforcement',
    '未经许可或超出许可内容设置户外广告设施、广告画面', '违规广告已拆除，或已依法办理许可并按要求整改', limits('5d', '2d', 24)],
  ['E0204', '违规牌匾标识', 'Nonconforming shop sign', 'government', 'urban_management',
    '门头牌匾、标识破损、缺字、灯光残缺或未按规范设置', '牌匾标识已修复、规范或拆除', limits('5d', '2d', 24)],
  ['E0205', '违规悬挂横幅标语', 'Unauthorised banner', 'government', 'urban_management',
    '未经批准悬挂横幅、标语、彩旗，或悬挂期满未撤除', '横幅标语已撤除', limits('1d', '4h', 4)],
  ['E0206', '广告招牌安全隐患', 'Unsafe sign or billboard', 'government', 'urban_management',
    '户外广告牌、招牌松动、倾斜或锈蚀严重，存在坠落危险', '隐患设施已加固或拆除，经现场确认无坠落危险', limits('1d', '4h', 2)],

  ['E03', '施工管理', 'Construction sites'],
  ['E0301', '施工扰民', 'Construction disturbance', 'government', 'housing',
    '施工单位在夜间或禁止时段进行产生噪声的施工作业，或施工振动、强光影响周边居民', '违规施工已停止，或已取得夜间施工证明并落实降噪措施', limits('1d', '2h', 1)],
  ['E0302', '工地扬尘', 'Dust from a building site', 'government', 'housing',
    '施工工地未覆盖裸土、未洒水降尘或出场车辆未冲洗，产生明显扬尘', '覆盖、洒水、冲洗等扬尘防治措施已落实，现场无明显扬尘', limits('1d', '4h', 4)],
  ['E0303', '施工占道', 'Works occupying the road', 'government', 'urban_management',
    '施工超出批准范围或期限占用道路、人行道，或未设置安全警示', '超范围占道已清除并恢复通行，或已补办手续并规范设置警示', limits('2d', '4h', 2)],
  ['E0304', '施工废弃料', 'Construction debris left behind', 'government', 'urban_management',
    '施工完成后在道路或公共区域遗留废弃料、设备或临时设施', '废弃料和临时设施已清运，场地恢复整洁', limits('2d', '1d', 8)],
  ['E0305', '道路遗撒', 'Spillage from haulage vehicles', 'government', 'urban_management',
    '运输车辆沿途遗撒渣土、砂石、泥浆或带泥上路', '遗撒物已清除、路面已冲洗，责任车辆已依法处理', limits('4h', '2h', 2)],
  ['E0306', '无证掘路', 'Unpermitted road excavation', 'government', 'urban_management',
    '未经批准挖掘城市道路，或超出许可范围、期限挖掘', '挖掘已停止且路面已按标准恢复，或已依法补办手续', limits('2d', '4h', 4)],
  ['E0307', '施工围挡不规范', 'Faulty site hoarding', 'government', 'housing',
    '施工工地围挡缺失、破损、倾斜或未按规定设置', '围挡已修复或已按规范设置', limits('2d', '1d', 8)],

  ['E04', '突发事件', 'Emergencies'],
  ['E0401', '路面塌陷', 'Road collapse', 'government', 'urban_management',
    '道路、人行道出现塌陷或空洞，危及通行安全', '现场已设置警戒，塌陷已回填修复并恢复通行', limits('1d', '4h', 1)],
  ['E0402', '供水管道破裂', 'Burst water main', 'government', 'water_supply',
    '道路或公共区域的市政供水管道破裂、爆管或明显冒水', '管道已抢修完毕并恢复供水，开挖路面已恢复', limits('1d', '4h', 2)],
  ['E0403', '燃气管道泄漏', 'Gas main leak', 'government', 'gas',
    '道路或公共区域的燃气管道、阀门破损或有明显燃气泄漏气味', '泄漏已排除，管道已修复并经检测无泄漏', limits('4h', '2h', 1)],
  ['E0404', '排水管道堵塞', 'Blocked drain or sewage overflow', 'government', 'water',
    '市政排水管道、检查井堵塞，造成污水外溢或雨水不能排出', '管道已疏通，无外溢、无积水，现场已清理', limits('1d', '4h', 2)],
  ['E0405', '道路积水', 'Road flooding', 'government', 'water',
    '降雨后道路积水，深度影响车辆或行人通行', '积水已排除，道路恢复通行', limits('4h', '2h', 1)],
  ['E0406', '道路积雪结冰', 'Snow and ice on roads', 'government', 'urban_management',
    '主次干道、人行道、桥梁积雪或结冰，影响通行安全', '积雪已清除，结冰路段已融冰或作防滑处理', limits('1d', '4h', 2)],
  ['E0407', '架空线缆坠落', 'Fallen overhead cable', 'government', 'power',
    '架空线缆坠落、断线或低垂，影响通行安全', '线缆已修复、升高或规整，隐患已消除', limits('4h', '2h', 1)],
  ['E0408', '树木倒伏', 'Fallen tree', 'government', 'urban_management',
    '树木倒伏或断枝，阻碍道路或压损设施', '倒伏树木和断枝已清理，道路恢复通行', limits('4h', '2h', 1)],
  ['E0409', '火灾', 'Fire', 'government', 'fire',
    '发现起火、冒烟等火情', '已转119处置，火情已扑灭，现场已移交相关部门', limits('2h', '1h', 1)],
  ['E0410', '交通事故', 'Road traffic accident', 'government', 'traffic_police',
    '道路上发生车辆碰撞、刮擦、翻车等交通事故', '已转122处置，交警已处理事故，现场已清理', limits('2h', '1h', 1)],
  ['E0411', '人员受伤或突发疾病', 'Injury or sudden illness', 'government', 'health',
    '公共场所发现受伤、昏倒或突发疾病需要急救的人员', '已转120处置，伤病人员已得到救治或送医', limits('1h', '1h', 1)],
  ['E0412', '违法犯罪警情', 'Crime in progress', 'government', 'police',
    '发现正在发生的盗窃、抢夺、斗殴等违法犯罪行为或危及人身安全的警情', '已转110处置，公安机关已出警', limits('1h', '1h', 1)],
  ['E0413', '危险化学品泄漏', 'Hazardous chemical spill', 'government', 'emergency',
    '发现危险化学品泄漏、遗撒或不明刺激性气味', '泄漏已控制、污染已处置，经检测无危险', limits('2h', '1h', 1)],
  ['E0414', '地质灾害险情', 'Landslide or subsidence hazard', 'government', 'planning',
    '发现山体滑坡、崩塌、地面塌陷、地裂缝等地质灾害或险情', '险情已排除，或已设置警戒并完成人员转移和监测安排', limits('4h', '2h', 1)],

  ['E05', '街面秩序', 'Street order'],
  ['E0501', '占道经营', 'Street stall', 'government', 'urban_management',
    '摊贩在道路、人行道、桥梁、广场等公共区域摆摊设点经营', '摊点已清离，占用区域已恢复整洁通行', limits('4h', '2h', 1)],
  ['E0502', '店外经营', 'Trading outside the shopfront', 'government', 'urban_management',
    '临街商户超出门窗、外墙摆卖商品、设置桌椅或进行作业', '店外物品已收回，门前恢复整洁', limits('4h', '2h', 2)],
  ['E0503', '无照经营游商', 'Unlicensed peddler', 'government', 'urban_management',
    '无固定经营场所的流动商贩沿街叫卖或流动经营', '流动经营已劝离，或已依法处理', limits('4h', '2h', 2)],
  ['E0504', '机动车乱停放', 'Illegally parked car', 'government', 'traffic_police',
    '机动车在人行道、绿地、消防通道或禁停路段停放', '违停车辆已驶离或已依法处理', limits('4h', '2h', 1)],
  ['E0505', '非机动车乱停放', 'Disorderly bicycle parking', 'government', 'urban_management',
    '非机动车、共享单车在公共区域无序停放，影响通行或市容', '车辆已摆放整齐或已清离', limits('1d', '4h', 2)],
  ['E0506', '乱堆物堆料', 'Goods piled in public space', 'government', 'urban_management',
    '在道路、人行道等公共区域堆放物料、杂物，影响通行或市容', '堆放物已清除', limits('1d', '4h', 2)],
  ['E0507', '露天烧烤', 'Open-air barbecue', 'government', 'urban_management',
    '在城市道路、广场等公共区域露天烧烤或设置烧烤摊点', '烧烤已停止，设施已撤离，现场已清理', limits('4h', '2h', 1)],
  ['E0508', '占道废品收购', 'Scrap dealing on the street', 'government', 'urban_management',
    '在公共区域占道收购、分拣或堆放废品', '占道收购已清离，现场已清理', limits('1d', '4h', 2)],
  ['E0509', '沿街晾挂', 'Laundry hung along the street', 'community', 'community',
    '在临街护栏、树木、电杆等公共设施上晾晒衣物或悬挂杂物', '晾挂物已收回', limits('1d', '4h', 4)],
  ['E0510', '黑车拉客', 'Unlicensed taxi touting', 'government', 'transport',
    '无营运资质车辆在车站、路口等处招揽乘客', '违规营运已制止或已依法查处', limits('1d', '4h', 2)],
  ['E0511', '商业噪声', 'Shop loudspeaker noise', 'government', 'urban_management',
    '临街商户使用高音喇叭、音响招揽顾客，噪声干扰周边', '噪声已停止，经营者已整改或已被依法处理', limits('1d', '4h', 2)],
  ['E0512', '流浪乞讨人员', 'Person sleeping rough or begging', 'government', 'civil_affairs',
    '公共区域有流浪乞讨人员需要救助或护送', '已引导或护送至救助管理机构，或已提供救助并记录去向', limits('1d', '4h', 2)],
  ['E0513', '占压盲道', 'Tactile paving obstructed', 'government', 'urban_management',
    '车辆、物品或设施占压盲道，影响视障人士通行', '占压物已清除，盲道恢复通畅', limits('1d', '4h', 2)],

  ['E06', '社会治理', 'Safety hazards and disputes'],
  ['E0601', '私拉乱接电线', 'Loose or illegal wiring (fire hazard)', 'government', 'fire',
    '楼道、出租屋、商铺等场所私拉乱接电线、飞线或违规使用大功率电器，存在电气火灾隐患', '违规线路已拆除或规范整改，经复查合格', limits('5d', '1d', 24)],
  ['E0602', '群租房', 'Overcrowded rental', 'government', 'police',
    '出租房屋存在分隔出租、床位出租、人均居住面积过小等群租情形', '群租情形已整改，相关安全隐患已消除并经复查', limits('10d', '3d', 48)],
  ['E0603', '消防通道堵塞', 'Blocked fire lane or exit', 'government', 'fire',
    '消防车通道、疏散通道或安全出口被占用、堵塞或锁闭', '通道已清理畅通，安全出口已开启', limits('1d', '2h', 1)],
  ['E0604', '电动自行车违规充电', 'E-bike parked or charged indoors', 'community', 'community',
    '在楼道、楼梯间、安全出口停放电动自行车，或飞线、入户充电', '车辆已移出、充电线已拆除，已告知集中充电点', limits('1d', '4h', 2)],
  ['E0605', '燃气使用安全隐患', 'Unsafe gas use', 'government', 'gas',
    '餐饮场所或住户存在燃气软管老化、违规使用液化气瓶等用气隐患', '隐患已整改，经燃气企业复查合格', limits('3d', '1d', 4)],
  ['E0606', '危险房屋', 'Dangerous building', 'government', 'housing',
    '房屋出现明显开裂、倾斜、沉降或构件脱落等危险迹象', '已完成房屋安全鉴定并采取加固、撤离等排危措施', limits('5d', '1d', 12)],
  ['E0607', '高空坠物隐患', 'Risk of falling objects', 'community', 'community',
    '建筑物外墙、阳台、窗台有易坠落物品，或发生高空抛物', '坠物隐患已排除，抛物行为已劝导或已移交公安处理', limits('2d', '4h', 2)],
  ['E0608', '邻里纠纷', 'Neighbour dispute', 'community', 'community',
    '相邻居民因噪声、漏水、通行、采光、宠物等发生矛盾，需要调解', '纠纷已调解并达成协议，或已引导当事人通过法定途径解决', limits('10d', '3d', 24)],
  ['E0609', '婚姻家庭纠纷', 'Family dispute', 'community', 'community',
    '家庭成员之间因婚姻、赡养、抚养、继承等发生矛盾，需要调解', '纠纷已调解并达成协议，或已引导当事人通过法定途径解决', limits('10d', '3d', 24)],
  ['E0610', '土地承包和宅基地纠纷', 'Land-use dispute', 'government', 'agriculture',
    '村（居）民之间或与集体经济组织因土地承包、宅基地、山林界址发生争议', '争议已调解或依法处理，当事人已知晓结果', limits('15d', '5d', 48)],
  ['E0611', '合同与商贸纠纷', 'Trade or contract dispute', 'government', 'justice',
    '经营者之间或经营者与顾客因交货、货款、合同履行发生争议并申请调解', '已达成调解协议并约定履行方式，或已引导当事人诉讼、仲裁', limits('15d', '5d', 48)],

  // ── Components (GB/T 30428.2 部件): a case is the facility damaged, missing or failing ──
  ['C01', '公用设施', 'Public utilities'],
  ['C0101', '上水井盖', 'Water supply manhole cover', 'government', 'water_supply',
    '上水井盖缺失、破损、移位、松动，或井框与路面高差明显', '井盖已补装或更换，盖框平稳，与路面衔接平顺', limits('3d', '2h', 1)],
  ['C0102', '污水井盖', 'Sewer manhole cover', 'government', 'water',
    '污水井盖缺失、破损、移位、松动，或井框与路面高差明显', '井盖已补装或更换，盖框平稳，与路面衔接平顺', limits('3d', '2h', 1)],
  ['C0103', '雨水井盖', 'Storm drain manhole cover', 'government', 'water',
    '雨水井盖缺失、破损、移位、松动，或井框与路面高差明显', '井盖已补装或更换，盖框平稳，与路面衔接平顺', limits('3d', '2h', 1)],
  ['C0104', '雨水箅子', 'Gully grate', 'government', 'water',
    '雨水箅子缺失、破损、错位或被垃圾堵塞', '箅子已补装、更换或清掏，排水通畅', limits('2d', '2h', 1)],
  ['C0105', '电力井盖', 'Power manhole cover', 'government', 'power',
    '电力井盖缺失、破损、移位、松动，或井框与路面高差明显', '井盖已补装或更换，盖框平稳，与路面衔接平顺', limits('3d', '2h', 1)],
  ['C0106', '燃气井盖', 'Gas manhole cover', 'government', 'gas',
    '燃气井盖缺失、破损、移位、松动，或井框与路面高差明显', '井盖已补装或更换，盖框平稳，与路面衔接平顺', limits('3d', '2h', 1)],
  ['C0107', '路灯井盖', 'Street-lighting manhole cover', 'government', 'urban_management',
    '路灯井盖缺失、破损、移位、松动，或井框与路面高差明显', '井盖已补装或更换，盖框平稳，与路面衔接平顺', limits('3d', '2h', 1)],
  ['C0108', '不明井盖', 'Manhole cover of unknown owner', 'government', 'urban_management',
    '权属不明的井盖缺失、破损、移位或松动', '已临时防护并查明权属单位，井盖已补装或更换', limits('3d', '2h', 1)],
  ['C0109', '路灯', 'Street light', 'government', 'urban_management',
    '路灯不亮、闪烁、白天常亮，或灯杆倾斜、灯具破损', '路灯已修复并正常亮灯，灯杆灯具完好', limits('3d', '1d', 4)],
  ['C0110', '景观灯', 'Decorative lighting', 'government', 'urban_management',
    '景观灯、亮化设施不亮、破损或线路裸露', '景观灯已修复，线路已规范', limits('5d', '2d', 8)],
  ['C0111', '电力设施', 'Electrical cabinets and transformers', 'government', 'power',
    '变压器、配电箱、电缆分支箱破损、箱门敞开或有漏电危险', '设施已修复，箱门已关闭上锁，无漏电隐患', limits('2d', '4h', 1)],
  ['C0112', '电杆', 'Utility pole', 'government', 'power',
    '电杆倾斜、断裂或拉线松脱，危及安全', '电杆已扶正、加固或更换', limits('2d', '4h', 1)],
  ['C0113', '消火栓', 'Fire hydrant', 'government', 'fire',
    '室外消火栓缺失、损坏、漏水或被埋压、圈占', '消火栓已修复并可正常出水，周边无遮挡', limits('3d', '1d', 4)],
  ['C0114', '报刊亭', 'Newsstand', 'government', 'urban_management',
    '报刊亭破损、废弃或超出规定范围经营', '报刊亭已修复、规范或拆除', limits('5d', '2d', 24)],
  ['C0115', '健身设施', 'Outdoor fitness equipment', 'government', 'culture',
    '公共区域健身器材破损、松动或锈蚀，存在使用安全隐患', '器材已修复或拆除，经确认可安全使用', limits('5d', '1d', 8)],

  ['C02', '道路交通', 'Roads and traffic'],
  ['C0201', '公交站亭', 'Bus shelter', 'government', 'transport',
    '公交站亭、站牌破损、缺失或玻璃碎裂', '站亭站牌已修复或更换', limits('3d', '1d', 4)],
  ['C0202', '过街天桥', 'Footbridge', 'government', 'urban_management',
    '过街天桥桥面、栏杆、台阶、照明或电梯破损、故障', '损坏部位已修复，恢复安全通行', limits('5d', '1d', 4)],
  ['C0203', '地下通道', 'Pedestrian underpass', 'government', 'urban_management',
    '地下通道渗水、积水、照明故障或设施破损', '积水已排除，照明和设施已修复', limits('5d', '1d', 4)],
  ['C0204', '桥梁', 'Road bridge', 'government', 'urban_management',
    '立交桥、跨河桥的桥面、伸缩缝、栏杆、挡墙出现破损或异常', '损坏部位已修复，经检查可安全通行', limits('5d', '1d', 2)],
  ['C0205', '交通标志牌', 'Traffic sign', 'government', 'traffic_police',
    '交通标志牌缺失、倾斜、被遮挡、褪色或内容错误', '标志牌已补设、扶正或更换，清晰可辨', limits('5d', '1d', 4)],
  ['C0206', '交通护栏', 'Traffic guardrail', 'government', 'traffic_police',
    '道路隔离护栏、防撞护栏缺失、倒伏或破损', '护栏已补装或修复，连续稳固', limits('3d', '4h', 2)],
  ['C0207', '交通信号灯', 'Traffic signal', 'government', 'traffic_police',
    '交通信号灯不亮、故障、配时明显异常或灯杆倾斜', '信号灯已恢复正常运行', limits('1d', '2h', 1)],
  ['C0208', '路名牌', 'Street name sign', 'government', 'civil_affairs',
    '路名牌、门牌等地名标志缺失、破损、错误或字迹不清', '地名标志已补设、更换或更正', limits('10d', '3d', 24)],
  ['C0209', '停车泊位设施', 'Parking bays and meters', 'government', 'traffic_police',
    '道路停车泊位标线不清，或咪表等收费设施损坏', '标线已重划，收费设施已修复', limits('5d', '2d', 24)],
  ['C0210', '隔离墩与防撞桶', 'Bollards and crash barrels', 'government', 'traffic_police',
    '隔离墩、防撞桶、阻车桩缺失、移位或破损', '设施已补设、复位或更换', limits('3d', '1d', 4)],

  ['C03', '市容环境', 'Sanitation facilities'],
  ['C0301', '公共厕所', 'Public toilet', 'government', 'urban_management',
    '公共厕所设施损坏、储粪设施满溢、停水停电、无故关闭或保洁不到位', '设施已修复，厕所正常开放且保洁达标', limits('1d', '4h', 2)],
  ['C0302', '垃圾房', 'Refuse room or collection point', 'government', 'urban_management',
    '垃圾房、垃圾收集站破损、异味严重或周边脏乱', '设施已修复，周边已清洗消杀', limits('2d', '1d', 4)],
  ['C0303', '垃圾箱', 'Litter bin', 'government', 'urban_management',
    '垃圾箱（果皮箱）缺失、破损、倾倒或无盖', '垃圾箱已补设、扶正或更换', limits('2d', '1d', 4)],
  ['C0304', '灯箱霓虹灯', 'Light box or neon sign', 'government', 'urban_management',
    '灯箱、霓虹灯破损、残缺不亮或存在漏电、坠落隐患', '灯箱霓虹灯已修复或拆除', limits('5d', '1d', 4)],

  ['C04', '园林绿化', 'Parks and greenery'],
  ['C0401', '古树名木', 'Heritage tree', 'government', 'urban_management',
    '古树名木枯萎、病虫害、倾斜、树体损伤或保护设施损坏', '已采取救护、支撑或修复措施，并记入养护档案', limits('3d', '1d', 8)],
  ['C0402', '行道树', 'Street tree', 'government', 'urban_management',
    '行道树缺株、枯死、倾斜、病虫害，或枝条遮挡信号灯、标志、路灯', '已补植、扶正、修剪或防治，隐患已消除', limits('5d', '1d', 4)],
  ['C0403', '树池', 'Tree pit', 'government', 'urban_management',
    '树池箅子缺失、破损，或树池裸土、下沉影响通行', '树池已修复或覆盖，与人行道平顺', limits('5d', '2d', 8)],
  ['C0404', '绿地', 'Green space', 'government', 'urban_management',
    '绿地植物缺失、枯死、被踩踏毁坏或被侵占', '绿地已补植恢复，侵占已清除', limits('10d', '3d', 24)],
  ['C0405', '花架花钵', 'Planters and trellises', 'government', 'urban_management',
    '花架、花钵破损、倾倒或植物枯死', '花架花钵已修复或更换，植物已补栽', limits('5d', '2d', 8)],
  ['C0406', '城市雕塑', 'Public sculpture', 'government', 'urban_management',
    '城市雕塑破损、污损、倾斜或基座松动', '雕塑已修复、清洗或加固', limits('10d', '3d', 24)],
  ['C0407', '街头座椅', 'Street bench', 'government', 'urban_management',
    '街头座椅、休闲椅破损、缺失或松动', '座椅已修复或更换', limits('5d', '2d', 8)],
  ['C0408', '绿地护栏', 'Green-space fence', 'government', 'urban_management',
    '绿地护栏缺失、倒伏、破损或有尖锐突出物', '护栏已修复或更换，无安全隐患', limits('5d', '1d', 4)],

  ['C05', '房屋土地', 'Buildings and land'],
  ['C0501', '宣传栏', 'Notice board', 'community', 'community',
    '社区、街道宣传栏破损，或内容过期、张贴杂乱', '宣传栏已修复，内容已更新', limits('5d', '2d', 24)],
  ['C0502', '人防工事', 'Civil air-defence shelter', 'government', 'housing',
    '人防工事出入口、通风口破损、积水或被违规占用', '损坏部位已修复，占用已清理', limits('10d', '3d', 24)],
  ['C0503', '公房地下室', 'Basement of public housing', 'government', 'housing',
    '公房地下室积水、被擅自改作居住或堆放易燃物', '积水已排除，违规使用已清理', limits('10d', '3d', 24)],
  ['C0504', '建筑外立面', 'Building façade', 'government', 'housing',
    '临街建筑外立面、空调外机支架、雨棚破损松动，存在坠落隐患', '破损部位已修复或拆除，坠落隐患已消除', limits('3d', '1d', 2)],

  ['C06', '其他设施', 'Other facilities'],
  ['C0601', '水域附属设施', 'Riverside railings and embankments', 'government', 'water',
    '河道护栏、堤岸、台阶或救生设施缺失、破损', '设施已修复或补设', limits('5d', '1d', 4)],
  ['C0602', '液化气供应站点', 'LPG supply point', 'government', 'gas',
    '液化气供应站（点）设施破损，或违规储存、经营', '设施已整改，违规储存经营已依法处理', limits('5d', '1d', 4)],
  ['C0603', '无障碍设施', 'Accessibility facilities', 'government', 'housing',
    '坡道、无障碍电梯、扶手等无障碍设施损坏或被占用', '设施已修复，占用已清除', limits('5d', '2d', 8)],
  ['C0604', '公共充电设施', 'Public charging point', 'government', 'power',
    '公共区域电动汽车、电动自行车充电设施损坏或有漏电隐患', '充电设施已修复，或已停用并设置警示', limits('3d', '1d', 2)],
  ['C0605', '防汛排涝设施', 'Flood-control facilities', 'government', 'water',
    '排涝泵站、防汛闸门、截洪沟等设施损坏或堵塞', '设施已修复疏通，恢复正常运行', limits('3d', '4h', 1)],

  // ── 12345 hotline subjects (诉求) ────────────────────────────────────────────
  ['H01', '城乡建设', 'Urban development and housing'],
  ['H0101', '物业管理', 'Property management'],
  ['H010101', '物业服务质量', 'Property service quality', 'community', 'community',
    '业主反映物业企业保洁、安保、维修等服务不到位', '物业企业已整改，或社区已组织业主与物业协商形成处理意见', limits('10d', '3d', 24)],
  ['H010102', '物业收费争议', 'Property fee dispute', 'community', 'community',
    '业主对物业费、停车费等收费标准或收取方式有异议', '已向业主说明收费依据，或已组织协商形成处理意见', limits('10d', '5d', 48)],
  ['H010103', '小区化粪池堵塞', 'Blocked estate septic tank', 'community', 'community',
    '住宅小区内化粪池、小区排污管道堵塞或满溢，影响多户居民', '已由物业或社区组织清掏疏通，无外溢、无异味', limits('2d', '4h', 2)],
  ['H010104', '小区公共设施损坏', 'Damaged estate facilities', 'community', 'community',
    '小区内道路、照明、门禁、围墙等共用设施损坏', '设施已修复，或已启动维修资金并明确维修时间', limits('5d', '2d', 24)],
  ['H010105', '电梯故障', 'Lift out of order', 'government', 'market',
    '住宅电梯长期停运、频繁故障或维保不到位（困人求援转119）', '电梯已修复，经维保单位检验运行正常', limits('5d', '1d', 2)],
  ['H0102', '住房保障', 'Public housing', 'government', 'housing',
    '咨询或反映公租房、保障性住房的申请、分配和租金问题', '已答复政策或办理进度，或问题已核查处理', limits('5d', '2d', 24)],
  ['H0103', '房屋租赁与中介', 'Renting and estate agents', 'government', 'housing',
    '反映租赁合同、押金退还或房产中介违规等问题', '已核查处理，或已告知维权途径', limits('10d', '5d', 48)],
  ['H0104', '商品房质量与交付', 'New-home quality and handover', 'government', 'housing',
    '反映商品房质量缺陷、延期交房或办证问题', '已责成开发企业整改，或已告知处理结果', limits('15d', '5d', 48)],
  ['H0105', '房屋征收补偿', 'Expropriation and compensation', 'government', 'housing',
    '反映房屋征收程序、补偿安置标准或进度问题', '已答复征收政策和补偿依据，或已核查处理', limits('15d', '5d', 48)],
  ['H0106', '城乡规划', 'Urban planning', 'government', 'planning',
    '咨询或建议规划布局、规划许可公示等事项', '已答复规划信息，或已记录建议并反馈采纳情况', limits('10d', '3d', 48)],

  ['H02', '公用事业', 'Utilities'],
  ['H0201', '供水', 'Water supply'],
  ['H020101', '停水或水压不足', 'No water or low pressure', 'government', 'water_supply',
    '用户无计划停水、停水超过公告时间或水压明显不足', '供水已恢复，或已告知停水原因和恢复时间', limits('1d', '4h', 2)],
  ['H020102', '水质异常', 'Discoloured or smelly tap water', 'government', 'water_supply',
    '自来水浑浊、有色、有异味或有异物', '已检测水质并处理，水质恢复正常', limits('1d', '4h', 2)],
  ['H020103', '户内管道漏水', 'Leaking pipe inside a flat', 'private', 'community',
    '住户水表后的户内管道、水龙头或卫浴设施漏水', '已告知由产权人自行或委托有资质的维修单位维修，并提供维修渠道', limits('1d', '4h', 2)],
  ['H020104', '水费与水表', 'Water bills and meters', 'government', 'water_supply',
    '咨询或反映水费计收、水表计量、开户过户问题', '已答复或已核查处理', limits('3d', '1d', 24)],
  ['H0202', '供电', 'Electricity supply'],
  ['H020201', '停电', 'Power cut', 'government', 'power',
    '用户无计划停电，或停电超过公告时间', '供电已恢复，或已告知停电原因和恢复时间', limits('1d', '4h', 2)],
  ['H020202', '电压不稳', 'Unstable voltage', 'government', 'power',
    '电压过低、频繁跳闸或电压波动影响用电', '线路已检修，电压恢复正常', limits('3d', '1d', 4)],
  ['H020203', '户内线路故障', 'Faulty wiring inside a home', 'private', 'community',
    '电表后的户内线路、开关、插座故障', '已告知由产权人委托有资质的电工维修，并提示用电安全', limits('1d', '4h', 2)],
  ['H020204', '电费与电表', 'Electricity bills and meters', 'government', 'power',
    '咨询或反映电费、电表计量、阶梯电价问题', '已答复或已核查处理', limits('3d', '1d', 24)],
  ['H0203', '燃气', 'Gas supply'],
  ['H020301', '停气或气压不足', 'No gas or low pressure', 'government', 'gas',
    '管道燃气无计划停气或气压明显不足', '供气已恢复，或已告知原因和恢复时间', limits('1d', '4h', 2)],
  ['H020302', '室内燃气泄漏', 'Gas smell at home', 'government', 'gas',
    '住户家中有燃气泄漏气味或燃气报警器报警', '燃气企业已上门处置，泄漏已排除', limits('2h', '1h', 1)],
  ['H020303', '燃气费与开户', 'Gas bills and connections', 'government', 'gas',
    '咨询或反映燃气开户、过户、计费问题', '已答复或已办理', limits('3d', '1d', 24)],

  ['H03', '生态环境', 'Environment'],
  ['H0301', '噪声扰民', 'Noise nuisance'],
  ['H030101', '社会生活噪声（酒吧、歌舞厅等娱乐场所）', 'Noise from bars and entertainment venues', 'government', 'police',
    '酒吧、歌舞厅等文化娱乐场所经营中产生噪声，干扰周边居民休息', '噪声已停止或降至规定限值，经营者已整改或已被依法处理', limits('1d', '2h', 1)],
  ['H030102', '居民生活噪声', 'Household and renovation noise', 'community', 'community',
    '住宅区内装修、家庭娱乐、宠物等生活噪声干扰邻居', '已劝导当事人停止或调整时段，或已组织邻里调解', limits('3d', '1d', 4)],
  ['H030103', '工业噪声', 'Industrial noise', 'government', 'environment',
    '工业企业设备运行噪声超标，影响周边居民', '经监测噪声达标，或企业已被责令整改', limits('10d', '3d', 24)],
  ['H030104', '交通噪声', 'Traffic noise', 'government', 'traffic_police',
    '机动车违法鸣笛、改装车辆轰鸣等交通噪声扰民', '已加强管控或查处违法车辆，并答复来电人', limits('10d', '3d', 24)],
  ['H0302', '大气污染', 'Air pollution', 'government', 'environment',
    '企业排放废气、异味或露天喷涂等造成空气污染', '经现场检查已整改或依法处理，并答复来电人', limits('10d', '2d', 4)],
  ['H0303', '水污染', 'Water pollution', 'government', 'environment',
    '企业或个人向河道、雨水管网偷排污水、废水', '偷排已制止，排污单位已依法处理', limits('10d', '2d', 4)],
  ['H0304', '固体废物', 'Waste dumping', 'government', 'environment',
    '非法倾倒、堆放工业固体废物或危险废物', '废物已清运处置，责任人已依法处理', limits('10d', '2d', 4)],
  ['H0305', '垃圾分类', 'Waste sorting', 'government', 'urban_management',
    '咨询垃圾分类规定，或反映分类投放、收运不规范', '已答复分类要求，或收运问题已整改', limits('5d', '2d', 24)],

  ['H04', '市场监管', 'Market regulation'],
  ['H0401', '食品安全', 'Food safety', 'government', 'market',
    '反映食品变质、无证生产、餐饮卫生等食品安全问题', '已现场检查并依法处理，并答复来电人', limits('10d', '2d', 4)],
  ['H0402', '消费维权', 'Consumer rights', 'government', 'market',
    '消费者与经营者因商品质量、服务、退换货发生争议', '已组织调解，或已告知处理结果和后续维权途径', limits('15d', '5d', 48)],
  ['H0403', '价格收费', 'Prices and charges', 'government', 'market',
    '反映商品或服务价格欺诈、不明码标价或乱收费', '已核查并依法处理，并答复来电人', limits('15d', '5d', 48)],
  ['H0404', '无证无照经营', 'Unlicensed business', 'government', 'market',
    '反映经营者无营业执照或未取得许可从事经营', '已核查并依法处理，或已引导办理证照', limits('15d', '5d', 48)],
  ['H0405', '单用途预付卡', 'Prepaid card refunds', 'government', 'commerce',
    '健身、美容、教育培训等预付卡商家闭店或拒绝退费', '已协调商家退费，或已告知诉讼等维权途径', limits('15d', '5d', 48)],
  ['H0406', '药品与医疗器械', 'Medicines and medical devices', 'government', 'market',
    '反映药品、医疗器械质量或违规销售问题', '已核查并依法处理', limits('15d', '3d', 24)],

  ['H05', '劳动和社会保障', 'Labour and social security'],
  ['H0501', '拖欠工资', 'Unpaid wages', 'government', 'human_resources',
    '用人单位或包工头拖欠劳动者工资', '工资已支付，或已由劳动保障监察立案、引导申请仲裁', limits('10d', '3d', 24)],
  ['H0502', '劳动合同与劳动争议', 'Labour contracts and disputes', 'government', 'human_resources',
    '反映未签劳动合同、违法解除、加班费等劳动争议', '已调解，或已告知劳动仲裁途径', limits('15d', '5d', 48)],
  ['H0503', '社会保险', 'Social insurance', 'government', 'human_resources',
    '咨询或反映养老、工伤、失业保险缴纳和待遇问题', '已答复政策或已核查处理', limits('3d', '1d', 24)],
  ['H0504', '就业创业', 'Jobs and training', 'government', 'human_resources',
    '咨询就业服务、职业培训、创业扶持政策', '已答复政策和办理渠道', limits('3d', '1d', 24)],
  ['H0505', '医疗保障', 'Medical insurance', 'government', 'medical_insurance',
    '咨询或反映医保参保、报销、异地就医问题', '已答复政策或已核查处理', limits('3d', '1d', 24)],
  ['H0506', '退役军人服务', 'Veterans services', 'government', 'veterans',
    '咨询或反映退役军人安置、优抚待遇问题', '已答复政策或已核查处理', limits('5d', '2d', 24)],

  ['H06', '交通运输', 'Transport'],
  ['H0601', '公交服务', 'Bus services', 'government', 'transport',
    '反映公交线路、班次、站点设置或司乘服务问题', '已核查处理，或已记录建议并答复', limits('10d', '3d', 24)],
  ['H0602', '出租车与网约车', 'Taxis and ride-hailing', 'government', 'transport',
    '反映出租车、网约车拒载、绕路、多收费或遗失物品', '已核查并依法处理，或已协助查找失物', limits('10d', '2d', 4)],
  ['H0603', '停车管理', 'Parking management', 'government', 'traffic_police',
    '反映停车难、停车收费或停车秩序问题', '已核查处理，或已答复规划安排', limits('10d', '3d', 24)],
  ['H0604', '交通组织建议', 'Traffic management suggestions', 'government', 'traffic_police',
    '建议增设信号灯、斑马线，或调整信号配时、交通组织', '已评估并答复采纳情况', limits('15d', '5d', 48)],
  ['H0605', '交通违法举报', 'Reporting traffic offences', 'government', 'traffic_police',
    '举报酒驾、超载、非法改装等道路交通违法行为', '已核查并依法处理，并答复举报人', limits('10d', '2d', 2)],
  ['H0606', '农村公路', 'Rural roads', 'government', 'transport',
    '反映农村公路破损、中断或养护不到位', '已修复，或已列入养护计划并答复', limits('15d', '5d', 24)],

  ['H07', '公共安全与法律服务', 'Public safety and legal services'],
  ['H0701', '社会治安', 'Public order', 'government', 'police',
    '反映治安隐患、聚众赌博等非紧急治安问题（正在发生的警情转110）', '已核查并依法处理，并答复来电人', limits('10d', '2d', 2)],
  ['H0702', '户籍与证件', 'Household registration and ID', 'government', 'police',
    '咨询或反映户口迁移、身份证、居住证办理问题', '已答复办理要求，或已协调办理', limits('3d', '1d', 24)],
  ['H0703', '电信网络诈骗', 'Phone and online fraud', 'government', 'police',
    '反映疑似电信网络诈骗或已被骗（资金正在转出时转110）', '已转公安机关处置，并已告知报案途径', limits('1d', '4h', 1)],
  ['H0704', '安全生产', 'Workplace safety', 'government', 'emergency',
    '举报企业违规生产、违规储存危险化学品等安全生产隐患', '已现场检查并依法处理', limits('10d', '2d', 4)],
  ['H0705', '法律援助', 'Legal aid', 'government', 'justice',
    '经济困难群众咨询或申请法律援助', '已答复申请条件，或已受理援助申请', limits('3d', '1d', 24)],
  ['H0706', '涉诉事项', 'Matters before the courts', 'government', 'court',
    '反映已进入诉讼、执行程序的案件进度或执行问题', '已告知法定渠道，并由法院答复', limits('10d', '3d', 48)],
  ['H0707', '检察监督', 'Procuratorial supervision', 'government', 'procuratorate',
    '反映公益诉讼线索或对司法活动的检察监督诉求', '已告知法定渠道，并由检察机关答复', limits('10d', '3d', 48)],
  ['H0708', '信访事项', 'Petitions', 'government', 'petitions',
    '诉求已进入或依法应通过信访程序办理', '已告知信访渠道，并按规定转送信访部门', limits('5d', '2d', 24)],
  ['H0709', '平安建设建议', 'Suggestions on community safety', 'government', 'politics_law',
    '对网格服务管理、平安建设提出意见建议', '已记录并答复采纳情况', limits('15d', '5d', 48)],

  ['H08', '社会事业', 'Public services'],
  ['H0801', '教育', 'Education'],
  ['H080101', '入学招生', 'School admissions', 'government', 'education',
    '咨询或反映学区划分、入学招生、转学问题', '已答复政策或已核查处理', limits('3d', '1d', 24)],
  ['H080102', '校外培训', 'Private tutoring', 'government', 'education',
    '反映校外培训机构违规培训、收费或退费问题', '已核查处理，或已协调退费', limits('15d', '5d', 48)],
  ['H080103', '学校管理与收费', 'School management and fees', 'government', 'education',
    '反映学校违规收费、课后服务、校园安全管理问题', '已核查处理并答复', limits('10d', '3d', 24)],
  ['H0802', '卫生健康', 'Health'],
  ['H080201', '医疗服务', 'Medical services', 'government', 'health',
    '反映医疗机构服务态度、就医流程或医疗质量问题', '已核查处理并答复，涉及医疗纠纷的已告知调解或鉴定途径', limits('10d', '3d', 24)],
  ['H080202', '非法行医', 'Unlicensed medical practice', 'government', 'health',
    '举报无资质人员或机构开展诊疗活动', '已核查并依法处理', limits('15d', '5d', 24)],
  ['H080203', '病媒生物与公共卫生', 'Pests and public hygiene', 'government', 'health',
    '反映蚊蝇、鼠患等病媒生物孳生或公共场所卫生问题', '已组织消杀，或已核查处理', limits('5d', '2d', 24)],
  ['H0803', '民政', 'Civil affairs'],
  ['H080301', '社会救助', 'Social assistance', 'government', 'civil_affairs',
    '咨询或申请低保、特困供养、临时救助', '已答复政策，或已受理申请', limits('5d', '1d', 24)],
  ['H080302', '养老服务', 'Elderly care', 'government', 'civil_affairs',
    '咨询或反映养老机构、居家养老服务、高龄津贴问题', '已答复或已核查处理', limits('5d', '2d', 24)],
  ['H080303', '婚姻登记', 'Marriage registration', 'government', 'civil_affairs',
    '咨询结婚、离婚登记的办理要求', '已答复办理要求', limits('3d', '1d', 24)],
  ['H080304', '殡葬管理', 'Funeral services', 'government', 'civil_affairs',
    '咨询殡葬政策，或反映殡葬服务收费、违规土葬问题', '已答复或已核查处理', limits('5d', '2d', 24)],
  ['H0804', '文化旅游', 'Culture and tourism', 'government', 'culture',
    '反映旅游投诉、文化市场经营或公共文化设施服务问题', '已核查处理并答复', limits('10d', '3d', 24)],
  ['H0805', '农业农村', 'Agriculture and rural affairs', 'government', 'agriculture',
    '咨询或反映惠农补贴、农村人居环境、动植物疫病等问题', '已答复政策或已核查处理', limits('10d', '3d', 24)],
];

const KIND_BY_LETTER: Record<string, CategorySeed['kind']> = { E: 'event', C: 'component', H: 'subject' };

function toSeed(row: Branch | Leaf): CategorySeed {
  const [code, name, nameEn] = row;
  const kind = KIND_BY_LETTER[code.charAt(0)];
  if (!kind) throw new Error(`category code ${code} has no kind letter`);
  const seed: CategorySeed = { code, parentCode: code.length > 3 ? code.slice(0, -2) : null, name, nameEn, kind };
  if (row.length === 3) return seed;
  const [, , , triage, departmentKind, registerCondition, closeCondition, leafLimits] = row;
  return { ...seed, triage, departmentKind, registerCondition, closeCondition, limits: leafLimits };
}

/** The taxonomy a new city starts with, parents before children. */
export const CATEGORY_SEEDS: CategorySeed[] = ROWS.map(toSeed);

/**
 * Emergencies the hotline does not dispatch but hands straight to the emergency numbers
 * (国办发〔2020〕53号: 110, 119, 120 and 122 stay separate); the case is still recorded under
 * its category so the hand-over is accounted for.
 */
export const EMERGENCY_REFERRALS: { code: string; number: '110' | '119' | '120' | '122'; name: string }[] = [
  { code: 'E0409', number: '119', name: '火灾' },
  { code: 'E0413', number: '119', name: '危险化学品泄漏' },
  { code: 'E0411', number: '120', name: '人员受伤或突发疾病' },
  { code: 'E0410', number: '122', name: '交通事故' },
  { code: 'E0412', number: '110', name: '违法犯罪警情' },
];
