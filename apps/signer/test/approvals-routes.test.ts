import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, createWalletClient, erc20Abi, http, type Address, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { anvilBinary, startAnvil, type Anvil } from '@openkms/tooling/test-helpers';
import { compileTestToken } from './support/erc20-token.js';
import { SOL, appendToml, auditRecords, keyAddress, solanaBody, withPolicy } from './support/policy-fixtures.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';

// An approval condition met on a route that cannot hold a request: JSON-RPC and the REST gateway fail closed with
// approval_required (nothing signed, audited); explain says a request would be held.

const EVM = 'evm-hot-0';
const CHAIN_ID = 31337;
const FRIEND = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const DEPLOYER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const SYSTEM = '11111111111111111111111111111111';

const anvilBin = anvilBinary();

describe('approval conditions on routes that cannot wait', { skip: 'missing' in anvilBin ? anvilBin.missing : false }, () => {
  let s: TestSigner;
  let anvil: Anvil;
  let node: PublicClient;
  let address: Address;

  before(async () => {
    anvil = await startAnvil((anvilBin as { path: string }).path, CHAIN_ID);
    node = createPublicClient({ chain: foundry, transport: http(anvil.url) });
    const deployer = createWalletClient({ account: privateKeyToAccount(DEPLOYER_KEY), chain: foundry, transport: http(anvil.url) });
    const erc20 = compileTestToken();
    const h = await deployer.deployContract({ abi: erc20.abi, bytecode: erc20.bytecode, args: [deployer.account.address, 1_000_000n] });
    assert.equal((await node.waitForTransactionReceipt({ hash: h, pollingInterval: 50 })).contractAddress?.toLowerCase(), TOKEN.toLowerCase());
    const dir = mkdtempSync(join(tmpdir(), 'openkms-approval-routes-'));
    writeFileSync(join(dir, 'token.abi.json'), JSON.stringify(erc20.abi));
    s = await startTestSigner({
      dir,
      config: (toml) =>
        appendToml(`
[gateway.contracts.token]
network = "local"
address = "${TOKEN}"
abi_file = "token.abi.json"
`)(
          withPolicy(
            EVM,
            `
max_signs_per_minute = 1000
per_tx_caps = { native = "1000000000000000000", "erc20:${TOKEN}" = "1000" }
fee_caps = { native = "10000000000000000" }
allowed_programs = [{ id = "native" }]
allowed_recipients = [{ asset = "native", addresses = ["${FRIEND}"] }, { asset = "erc20:${TOKEN}", addresses = ["${FRIEND}"] }]
allowed_contracts = [{ address = "${TOKEN}", methods = ["transfer"] }]
approval = { above = { native = "100" }, contracts = ["${TOKEN}"] }
`,
          )(
            withPolicy(
              SOL,
              `allowed_programs = [{ id = "${SYSTEM}" }]\nper_tx_caps = { native = "5000000000" }\napproval = { above = { native = "2000" } }`,
            )(toml),
          ).replace(/^upstream = .*$/m, `upstream = "${anvil.url}"`),
        ),
    });
    address = (await s.request('GET', '/keys', { token: s.signerToken })).json.find((k: { label: string }) => k.label === EVM).address;
    await node.request({ method: 'anvil_setBalance' as never, params: [address, '0x56bc75e2d63100000'] as never });
    const fund = await deployer.writeContract({ address: TOKEN, abi: erc20Abi, functionName: 'transfer', args: [address, 100_000n] });
    await node.waitForTransactionReceipt({ hash: fund, pollingInterval: 50 });
  });
  after(async () => {
    await s?.close();
    await anvil?.stop();
  });

  test('JSON-RPC eth_signTransaction above the approval threshold: rejected with approval_required, nothing signed', async () => {
    const rpc = (value: string) =>
      s.request('POST', '/rpc/evm/local', {
        token: s.signerToken,
        body: { jsonrpc: '2.0', id: 1, method: 'eth_signTransaction', params: [{ from: address, to: FRIEND, value }] },
      });
    const below = await rpc('0x64');
    assert.equal(below.status, 200, below.text);
    assert.match(below.json.result, /^0x02/, 'at the threshold it is signed');
    const above = await rpc('0x65');
    assert.equal(above.status, 200, above.text);
    assert.equal(above.json.result, undefined);
    assert.equal(above.json.error.code, -32003);
    assert.equal(above.json.error.data.code, 'approval_required');
    const records = await auditRecords(s);
    assert.ok(records.some((r) => r.decision === 'deny' && r.reason_code === 'approval_required' && r.label === EVM));
  });

  test('REST gateway call to a contract in approval.contracts: 403 approval_required, nothing sent', async () => {
    const before = await node.readContract({ address: TOKEN, abi: erc20Abi, functionName: 'balanceOf', args: [FRIEND] });
    const res = await s.request('POST', `/gateway/token/transfer?kld-from=${EVM}`, { token: s.signerToken, body: { to: FRIEND, value: '5' } });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.code, 'approval_required');
    assert.equal(await node.readContract({ address: TOKEN, abi: erc20Abi, functionName: 'balanceOf', args: [FRIEND] }), before);
  });

  test('explain says a request would be held for an approval (and why), and says nothing of it below the threshold', async () => {
    const payer = await keyAddress(s, SOL);
    const held = await s.request('POST', `/policy/${SOL}/explain`, { token: s.signerToken, body: solanaBody(payer, 5000) });
    assert.equal(held.status, 200, held.text);
    assert.equal(held.json.allowed, true);
    assert.equal(held.json.approval.required, true);
    assert.equal(held.json.approval.reasons[0].condition, 'above');
    assert.equal(held.json.approval.reasons[0].asset, 'native');
    const plain = await s.request('POST', `/policy/${SOL}/explain`, { token: s.signerToken, body: solanaBody(payer, 1000) });
    assert.equal(plain.json.allowed, true);
    assert.equal(plain.json.approval, undefined);
    // a refused request is not "held": no approval block
    const refused = await s.request('POST', `/policy/${SOL}/explain`, { token: s.signerToken, body: solanaBody(payer, 6_000_000_000) });
    assert.equal(refused.json.allowed, false);
    assert.equal(refused.json.approval, undefined);
  });
});
