import { startServer } from '../src/server/index.ts';
import { addUser, getUserByName } from '../src/server/users.ts';
const dir = '/work/main/bench-output/http-200000';
process.env.CIP_TRUST_PROXY='1';
const server = await startServer({ workspace: dir, port: 0, web: false });
const res = await fetch(`${server.url}/api/auth/login`, { method:'POST', headers:{'content-type':'application/json','x-forwarded-for':'10.9.9.9'}, body: JSON.stringify({username:'bench', password:'bench-password-1'})});
const body = await res.json() as any;
const cookie = res.headers.getSetCookie().map(c=>c.split(';')[0]).join('; ');
console.log(res.status, body.csrf ? 'ok':'no');
const ts:number[]=[];
for (let i=0;i<8;i++){ const t=performance.now(); const r=await fetch(`${server.url}/api/me/language`,{method:'PUT',headers:{cookie,'x-csrf-token':body.csrf,'content-type':'application/json'},body:JSON.stringify({language:'en'})}); await r.text(); ts.push(performance.now()-t); if(i==0) console.log(r.status);}
ts.sort((a,b)=>a-b); console.log('p50',ts[50].toFixed(1),'p90',ts[90].toFixed(1),'max',ts[99].toFixed(1));
const r2 = await fetch(`${server.url}/api/overview?_n=1`,{headers:{cookie}}); console.log('overview', r2.status, (await r2.text()).slice(0,200));
await server.close();
