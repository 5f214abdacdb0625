import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import zhCN from '../i18n/zh-CN.json';
import { groupName } from './group-names';

const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({ resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } }, lng: 'en', fallbackLng: 'zh-CN' });
});
const inEnglish = () => i18n.getFixedT('en');
const inChinese = () => i18n.getFixedT('zh-CN');

describe('the name of a group of figures', () => {
  it('names a category in English where it has an English name, in Chinese otherwise', () => {
    const category = { key: 'E0102', name: '暴露垃圾', nameEn: 'Exposed rubbish' };
    expect(groupName(inEnglish(), 'en', 'category', category)).toBe('Exposed rubbish');
    expect(groupName(inChinese(), 'zh-CN', 'category', category)).toBe('暴露垃圾');
    expect(groupName(inEnglish(), 'en', 'category', { ...category, nameEn: null })).toBe('暴露垃圾');
  });

  it('names a channel with the labels the case screens use', () => {
    expect(groupName(inEnglish(), 'en', 'channel', { key: 'hotline', name: '12345热线', nameEn: null })).toBe('12345 hotline');
    expect(groupName(inChinese(), 'zh-CN', 'channel', { key: 'citizen_app', name: '随手拍', nameEn: null })).toBe('随手拍');
    expect(groupName(inEnglish(), 'en', 'channel', { key: 'fax', name: 'fax', nameEn: null })).toBe('fax');
  });

  it('names the cases with no group in the interface language', () => {
    expect(groupName(inEnglish(), 'en', 'category', { key: null, name: '未分类', nameEn: null })).toBe('Uncategorised');
    expect(groupName(inEnglish(), 'en', 'channel', { key: null, name: '未知渠道', nameEn: null })).toBe('Unknown channel');
    expect(groupName(inChinese(), 'zh-CN', 'department', { key: null, name: '未派遣', nameEn: null })).toBe('未派遣');
  });

  it('keeps the names departments and areas were given', () => {
    expect(groupName(inEnglish(), 'en', 'department', { key: 7, name: '崇川区城市管理局', nameEn: null })).toBe('崇川区城市管理局');
  });
});
