import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenKmsError, type GatewayContract } from '@openkms/core';
import type { AbiParameter } from 'viem';
import { checkEvmAbi, gatewayMethods, resolveFunction } from './gateway-abi.js';
import { gatewayOpenApi } from './gateway-openapi.js';
import { fromTupleValue, toAbiValue, toTupleValue } from './gateway-values.js';

const ORDER = {
  name: 'order',
  type: 'tuple',
  components: [
    { name: 'maker', type: 'address' },
    { name: 'amounts', type: 'uint64[2]' },
    { name: 'tag', type: 'bytes4' },
  ],
};
const ABI = [
  { type: 'function', name: 'store', stateMutability: 'nonpayable', inputs: [{ name: 'v', type: 'uint256' }], outputs: [] },
  {
    type: 'function',
    name: 'store',
    stateMutability: 'nonpayable',
    inputs: [
      { name: 'v', type: 'uint256' },
      { name: 'w', type: 'int8' },
    ],
    outputs: [],
  },
  { type: 'function', name: 'place', stateMutability: 'payable', inputs: [ORDER], outputs: [{ name: 'id', type: 'uint256' }] },
  {
    type: 'function',
    name: 'peek',
    stateMutability: 'view',
    inputs: [],
    outputs: [
      { name: '', type: 'bool' },
      { name: 'who', type: 'address' },
    ],
  },
  { type: 'event', name: 'Stored', anonymous: false, inputs: [{ name: 'v', type: 'uint256', indexed: true }] },
];
const contract: GatewayContract = { name: 'book', network: 'local', address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', abi: ABI };

const field = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(isOpenKmsError(err));
    return `${err.code} ${String(err.context.field ?? err.context.path)}`;
  }
  return 'no error';
};

test('ABI check: well-formed items pass; a bad type, name, mutability, duplicate or shape names the item (abi_invalid)', () => {
  assert.equal(checkEvmAbi(ABI, 'abi'), ABI);
  assert.equal(
    field(() => checkEvmAbi({}, 'abi')),
    'abi_invalid abi',
  );
  assert.equal(
    field(() => checkEvmAbi([{ type: 'function', name: 'f', inputs: [{ type: 'uint7' }], outputs: [], stateMutability: 'view' }], 'abi')),
    'abi_invalid abi[0].inputs[0].type',
  );
  assert.equal(
    field(() => checkEvmAbi([{ type: 'function', name: 'f-g', inputs: [], stateMutability: 'view' }], 'abi')),
    'abi_invalid abi[0].name',
  );
  assert.equal(
    field(() => checkEvmAbi([{ type: 'function', name: 'f', inputs: [] }], 'abi')),
    'abi_invalid abi[0].stateMutability',
  );
  assert.equal(
    field(() => checkEvmAbi([ABI[0], ABI[0]], 'abi')),
    'abi_invalid abi[1]',
  );
  assert.equal(
    field(() => checkEvmAbi([{ type: 'function', name: 'f', inputs: [{ type: 'tuple' }], stateMutability: 'view' }], 'abi')),
    'abi_invalid abi[0].inputs[0].components',
  );
  assert.equal(
    field(() => checkEvmAbi([{ type: 'nonsense' }], 'abi')),
    'abi_invalid abi[0].type',
  );
});

test('methods: overloads by signature (tuples written out), a bare overloaded name is unknown_method listing them', () => {
  assert.deepEqual(
    gatewayMethods(ABI).map((m) => [m.signature, m.readOnly, m.overloaded]),
    [
      ['store(uint256)', false, true],
      ['store(uint256,int8)', false, true],
      ['place((address,uint64[2],bytes4))', false, false],
      ['peek()', true, false],
    ],
  );
  assert.equal(resolveFunction(contract, 'store(uint256, int8)').inputs.length, 2);
  assert.equal(resolveFunction(contract, 'place').name, 'place');
  assert.equal(
    field(() => resolveFunction(contract, 'store')),
    'unknown_method undefined',
  );
  assert.equal(
    field(() => resolveFunction(contract, 'nope')),
    'unknown_method undefined',
  );
});

test('arguments: by name or position; uint / int ranges, addresses, bytesN, bool, tuples and fixed arrays; the bad field named', () => {
  const place = resolveFunction(contract, 'place');
  const maker = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
  assert.deepEqual(toTupleValue(place.inputs, { order: { maker: maker.toLowerCase(), amounts: ['1', 2], tag: '0xDEADBEEF' } }, 'args'), [
    [maker, [1n, 2n], '0xdeadbeef'],
  ]);
  assert.deepEqual(toTupleValue(place.inputs, [[maker, ['0x10', '0'], '0x00000000']], 'args'), [[maker, [16n, 0n], '0x00000000']]);
  const order = (o: Record<string, unknown>) => () => toTupleValue(place.inputs, { order: { maker, amounts: ['1', '2'], tag: '0x00000000', ...o } }, 'args');
  assert.equal(field(order({ maker: maker.replace('C', 'c') })), 'invalid_request args.order.maker');
  assert.equal(field(order({ amounts: ['1'] })), 'invalid_request args.order.amounts');
  assert.equal(field(order({ amounts: ['1', (1n << 64n).toString()] })), 'invalid_request args.order.amounts[1]');
  assert.equal(field(order({ amounts: ['1', 1.5] })), 'invalid_request args.order.amounts[1]');
  assert.equal(field(order({ tag: '0x00' })), 'invalid_request args.order.tag');
  assert.equal(field(order({ extra: 1 })), 'invalid_request args.order.extra');
  assert.equal(
    field(() => toTupleValue(place.inputs, {}, 'args')),
    'invalid_request args.order',
  );
  const int8 = { name: 'w', type: 'int8' } as AbiParameter;
  assert.equal(toAbiValue(int8, '-128', 'w'), -128n);
  assert.equal(
    field(() => toAbiValue(int8, '128', 'w')),
    'invalid_request w',
  );
  assert.equal(
    field(() => toAbiValue({ type: 'bool' } as AbiParameter, 'true', 'b')),
    'invalid_request b',
  );
  assert.deepEqual(fromTupleValue(resolveFunction(contract, 'peek').outputs, [true, maker], 'out'), { out0: true, who: maker });
  assert.deepEqual(fromTupleValue(place.inputs, [{ maker, amounts: [1n, 2n], tag: '0x00' }]), { order: { maker, amounts: ['1', '2'], tag: '0x00' } });
});

test('the generated OpenAPI document: one operation per function, signatures in overloaded paths, schemas from the ABI', () => {
  const doc = gatewayOpenApi(contract, 'http://127.0.0.1:9443') as any;
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(Object.keys(doc.paths).sort(), [
    '/gateway/book/peek',
    '/gateway/book/place',
    '/gateway/book/store(uint256)',
    '/gateway/book/store(uint256,int8)',
  ]);
  assert.ok(doc.paths['/gateway/book/peek'].get);
  const place = doc.paths['/gateway/book/place'].post;
  assert.ok(
    place.parameters.some((p: { name: string }) => p.name === 'value'),
    'payable: value',
  );
  assert.ok(!doc.paths['/gateway/book/store(uint256)'].post.parameters.some((p: { name: string }) => p.name === 'value'));
  assert.deepEqual(place.requestBody.content['application/json'].schema.properties.order.properties.amounts, {
    type: 'array',
    items: { type: 'string', pattern: '^[0-9]{1,78}$', description: 'uint64 as a decimal string' },
    minItems: 2,
    maxItems: 2,
  });
  assert.deepEqual(doc.paths['/gateway/book/peek'].get.responses['200'].content['application/json'].schema.required, ['out0', 'who']);
});

test('GET arguments are read by their ABI type: strings stay strings (even JSON-looking), arrays and tuples are JSON, bools true/false', async () => {
  const { fromQueryArgs } = await import('./gateway-values.js');
  const inputs = [{ name: 'text', type: 'string' }, { name: 'flag', type: 'bool' }, { name: 'ids', type: 'uint256[]' }, ORDER] as AbiParameter[];
  const order = { maker: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', amounts: ['1', '2'], tag: '0x01020304' };
  assert.deepEqual(fromQueryArgs(inputs, { text: '[1,2]', flag: 'true', ids: '["1"]', order: JSON.stringify(order) }), {
    text: '[1,2]',
    flag: true,
    ids: ['1'],
    order,
  });
  assert.deepEqual(fromQueryArgs(inputs, { text: '{"a":1}', flag: 'false' }), { text: '{"a":1}', flag: false });
  assert.deepEqual(fromQueryArgs(inputs, { text: 'true', flag: 'yes', extra: '[' }), { text: 'true', flag: 'yes', extra: '[' });
  assert.throws(
    () => fromQueryArgs(inputs, { ids: '[1,' }),
    (err) => isOpenKmsError(err) && err.context.field === 'args.ids',
  );
});
