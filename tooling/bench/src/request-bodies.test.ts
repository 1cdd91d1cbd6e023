import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Message } from '@solana/web3.js';
import { SignDoc, TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { cosmosBodies, evmBodies, evmRpcBodies, solanaBodies } from './request-bodies.js';
import { lineChart } from './svg-charts.js';
import { PublicKey } from '@solana/web3.js';

test('every body is a distinct, well-formed transaction (the replay cache never answers)', () => {
  const payer = new PublicKey(ed25519.getPublicKey(ed25519.utils.randomSecretKey())).toBase58();
  const sol = solanaBodies('solana-hot-0', payer);
  const bodies = Array.from({ length: 200 }, () => JSON.parse(sol.next()) as { message_b64: string });
  assert.equal(new Set(bodies.map((b) => b.message_b64)).size, 200);
  const msg = Message.from(Buffer.from(bodies[7]!.message_b64, 'base64'));
  assert.equal(msg.accountKeys[0]!.toBase58(), payer);
  assert.equal(Buffer.from(bodies[7]!.message_b64, 'base64').length, sol.messageLength);

  const key = {
    label: 'cosmos-hub-0',
    address: 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu',
    public_key_b64: Buffer.from(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true)).toString('base64'),
  };
  const cosmos = cosmosBodies('cosmos-hub-0', key);
  const docs = Array.from({ length: 50 }, () => (JSON.parse(cosmos()) as { sign_doc_b64: string }).sign_doc_b64);
  assert.equal(new Set(docs).size, 50);
  const doc = SignDoc.decode(Buffer.from(docs[3]!, 'base64'));
  assert.equal(doc.chainId, 'cosmoshub-4');
  assert.match(TxBody.decode(doc.bodyBytes).memo, /^[0-9a-f]{32}$/);

  const evm = evmBodies('bench-evm-0');
  const nonces = Array.from({ length: 50 }, () => (JSON.parse(evm()) as { tx: { nonce: string } }).tx.nonce);
  assert.equal(new Set(nonces).size, 50);
  const rpc = JSON.parse(evmRpcBodies('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')()) as { method: string; params: { from: string }[] };
  assert.equal(rpc.method, 'eth_signTransaction');
  assert.equal(rpc.params[0]!.from, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
});

test('the SVG chart is well-formed and names every series', () => {
  const svg = lineChart(
    [
      {
        name: 'a <p50>',
        points: [
          { x: 1, y: 2 },
          { x: 8, y: 20 },
        ],
      },
      {
        name: 'b',
        dashed: true,
        points: [
          { x: 1, y: 0 },
          { x: 8, y: 5 },
        ],
      },
    ],
    { title: 't', xLabel: 'x', yLabel: 'y', xTicks: [1, 8], xLog: true, yLog: true },
  );
  assert.match(svg, /^<svg [^>]+>/);
  assert.match(svg, /<\/svg>\n$/);
  assert.ok(svg.includes('a &lt;p50&gt;'));
  assert.ok(!svg.includes('NaN'));
});
