/** Made-up but plausible names and numbers for demo staff; never real people. */

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建华玲丹文斌宇浩凯健俊帆帅旭宁琳欣悦晨辰瑶婷雪梅海燕志强建国春梅晓东';

export function personName(rng: () => number): string {
  const surname = SURNAMES[Math.floor(rng() * SURNAMES.length)];
  const given = [...GIVEN];
  const length = rng() < 0.6 ? 2 : 1;
  let name = surname;
  for (let i = 0; i < length; i++) name += given[Math.floor(rng() * given.length)];
  return name;
}

/** An 11-digit mainland mobile number. */
export function mobile(rng: () => number): string {
  const prefixes = ['130', '131', '132', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '177', '180', '181', '186', '187', '188', '189', '199'];
  let number = prefixes[Math.floor(rng() * prefixes.length)];
  while (number.length < 11) number += Math.floor(rng() * 10);
  return number;
}
