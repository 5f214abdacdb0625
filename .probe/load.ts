import autocannon from 'autocannon';
import { loadCity } from '../src/demo/city-data.js';
import { planGeography } from '../src/demo/geography.js';
import { pointInArea, polygonsOf } from '../src/geo/geometry.js';
import { mulberry32 } from '../src/geo/tiling.js';
const plan = planGeography(loadCity('nantong'), { gridsPerCommunity: 5 }, mulberry32(1));
const rng = mulberry32(Number(process.env.SEED ?? 9));
const points: { lon: number; lat: number }[] = [];
while (points.length < 2000) {
  const grid = plan.grids[Math.floor(rng() * plan.grids.length)];
  const ring = polygonsOf(grid.geometry)[0][0];
  const [a, b, c] = [ring[0], ring[1 + Math.floor(rng() * (ring.length - 3))], ring[ring.length - 2]];
  const p = { lon: (a[0] + b[0] + c[0]) / 3, lat: (a[1] + b[1] + c[1]) / 3 };
  if (pointInArea(p.lon, p.lat, grid.geometry)) points.push(p);
}
const categories = ['E0102', 'E0103', 'E0110'];
const bodies = points.map((p, i) => JSON.stringify({ channel: 'hotline', requestType: 'complaint', categoryCode: categories[i % 3], description: `路边垃圾堆积无人清理 #${i}`, location: p, reporter: { phone: '13812345678' } }));
let next = 0;
const base = process.env.BASE ?? 'http://127.0.0.1:4555';
const token = process.env.TOKEN!;
const r = await autocannon({ url: base, connections: Number(process.env.CONN ?? 32), duration: Number(process.env.DUR ?? 10), overallRate: process.env.RATE ? Number(process.env.RATE) : undefined,
  requests: [{ method: 'POST', path: '/api/v1/cases', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, setupRequest: (req: any) => ({ ...req, body: bodies[next++ % bodies.length] }) }] });
console.log('2xx/s', r['2xx'] / r.duration, 'non2xx', r.non2xx, 'p50', r.latency.p50, 'p99', r.latency.p99);
