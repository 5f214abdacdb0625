import { benchIntake } from './intake.js';
async function main() {
  const r = await benchIntake('/work/main', 'postgres://postgres@127.0.0.1:5432/postgres', Number(process.argv[2] ?? 5));
  console.log(JSON.stringify(r));
}
void main();
