import { describe, expect, it } from 'vitest';
import { geoJsonToGcj02, outOfChina, wgs84ToGcj02 } from './gcj02';

// Reference points of the widely used implementation (googollee/eviltransform's tests): [wgs lon, lat, gcj lon, lat].
const REFERENCE = [
  [121.5272106, 31.1774276, 121.531541859215, 31.17530398364597], // Shanghai
  [113.912316, 22.543847, 113.9171764808363, 22.540796131694766], // Shenzhen
  [116.377817, 39.911954, 116.38404722455657, 39.91334545536069], // Beijing
];

describe('wgs84ToGcj02', () => {
  it('shifts points in China as the reference implementation does', () => {
    for (const [lon, lat, gLon, gLat] of REFERENCE) {
      const [x, y] = wgs84ToGcj02(lon, lat);
      expect(x).toBeCloseTo(gLon, 9);
      expect(y).toBeCloseTo(gLat, 9);
    }
  });

  it('moves Nantong by a few hundred metres, as GCJ-02 does', () => {
    const [x, y] = wgs84ToGcj02(120.894, 31.981);
    const metres = Math.hypot((x - 120.894) * 111_320 * Math.cos((32 * Math.PI) / 180), (y - 31.981) * 110_574);
    expect(metres).toBeGreaterThan(100);
    expect(metres).toBeLessThan(700);
  });

  it('leaves points outside China alone', () => {
    expect(outOfChina(2.35, 48.85)).toBe(true);
    expect(wgs84ToGcj02(2.35, 48.85)).toEqual([2.35, 48.85]);
    expect(outOfChina(120.9, 32)).toBe(false);
  });
});

describe('geoJsonToGcj02', () => {
  it('shifts every position of a collection and keeps the rest, without touching the input', () => {
    const square = [[120.9, 32], [120.91, 32], [120.91, 32.01], [120.9, 32]];
    const input = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', id: 7, properties: { name: '网格' }, geometry: { type: 'Polygon', coordinates: [square] } },
        { type: 'Feature', id: 8, properties: {}, geometry: { type: 'Point', coordinates: [120.9, 32] } },
        { type: 'Feature', id: 9, properties: {}, geometry: null },
      ],
    };
    const copy = structuredClone(input);
    const out = geoJsonToGcj02(input);
    expect(input).toEqual(copy);
    expect(out.features[0]).toMatchObject({ id: 7, properties: { name: '网格' } });
    const ring = (out.features[0].geometry as { coordinates: number[][][] }).coordinates[0];
    expect(ring).toHaveLength(4);
    expect(ring[0]).toEqual(wgs84ToGcj02(120.9, 32));
    expect((out.features[1].geometry as { coordinates: number[] }).coordinates).toEqual(wgs84ToGcj02(120.9, 32));
    expect(out.features[2].geometry).toBeNull();
  });
});
