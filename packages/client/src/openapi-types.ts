/**
 * GENERATED from openapi/openkms.v1.yaml by openapi-typescript (packages/client/scripts/generate-api-types.ts).
 * Do not edit: run `pnpm --filter @openkms/client generate`. A test fails when this file and the document differ.
 */

export interface paths {
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness and key-backend status. Public; reveals nothing sensitive. */
    get: operations['getHealth'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The configured keys with their addresses. Needs read or sign scope, unless `auth.public_keys = true` (then public, like the original openKMS). */
    get: operations['listKeys'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/policy': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Effective policy and runtime counters of every key. Needs read or sign scope. */
    get: operations['listPolicies'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/policy/{label}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Effective policy, kill-switch state, rate counters and rolling spend of one key. */
    get: operations['getPolicy'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/policy/{label}/explain': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Dry run. Decodes a sign request for the key's chain and returns the full policy decision (a refusal is a 200 with allowed false); consumes nothing, signs nothing. 503 when the key backend cannot resolve the key. */
    post: operations['explainPolicy'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/disable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Global kill switch on. Every signing request is denied until enabled again. */
    post: operations['adminDisableAll'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/enable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Global kill switch off. */
    post: operations['adminEnableAll'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/keys/{label}/disable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Per-key kill switch on. */
    post: operations['adminDisableKey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/keys/{label}/enable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Per-key kill switch off. */
    post: operations['adminEnableKey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/policy': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every key's policy snapshot (config policy, overlay, effective policy, runtime). Needs admin scope. */
    get: operations['adminListPolicies'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/keys/{label}/policy': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The runtime policy overlay of a key (a partial policy applied over the config file) in the key's full policy snapshot. */
    get: operations['adminGetPolicyOverlay'];
    put?: never;
    post?: never;
    /** Remove the overlay; the config file's policy applies again. */
    delete: operations['adminDeletePolicyOverlay'];
    options?: never;
    head?: never;
    /** Merge a partial policy into the overlay; null clears a field. Validated; applies immediately and persists. */
    patch: operations['adminPatchPolicyOverlay'];
    trace?: never;
  };
  '/admin/reload': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Re-read the config file. Counters and kill-switch state are kept; an invalid file is rejected and the running config stays. */
    post: operations['adminReload'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Prometheus metrics (text exposition format). Public unless auth.metrics_require_auth is set; then it needs a token with read or sign scope (401 without one, 403 for an admin-only token). */
    get: operations['getMetrics'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/openapi.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** This document, composed with the loaded chain plugins. */
    get: operations['getOpenApi'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/gateway/{contract}/{method}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read a view or pure function of a registered contract (eth_call on its network); outputs decoded into named JSON (unnamed outputs: out0, out1, ...). Needs read scope or a sign scope.
     * @description Arguments are query parameters named by the function's inputs (unnamed inputs: arg0, arg1, ...); uint and int as decimal strings, addresses checksummed or lower case, bytes as 0x hex, bool as true/false, tuples and arrays as JSON text. Optional kld-from (a key label or address) is the call's from. Overloads are addressed by signature (`store(uint256,uint256)`). GET /gateway/{contract}/openapi.json describes every function of the contract.
     */
    get: operations['gatewayRead'];
    put?: never;
    /**
     * Call a state-changing function of a registered contract: the signer encodes the call, fills nonce (the same nonce manager as POST /rpc/evm/{network}), gas and fees, signs through the sign pipeline (sign scope for the key, policy, replay, audit, metrics) and sends it. With ?call=true: a read (eth_call) of any function, outputs as for GET.
     * @description The body is the arguments: a JSON object keyed by the ABI's input names (unnamed: arg0, ...) or a positional array; no body for a function without inputs. The signing key is the kld-from query parameter or the x-openkms-from header (a label, or the key's address). Transaction fields as query parameters: value (payable functions), gas, gas_price, max_fee_per_gas, max_priority_fee_per_gas (decimal or 0x; kld-ethvalue, kld-gas, kld-gasprice also accepted). With sync=true the signer waits for the receipt at most server.request_timeout_ms: 200 with status, block and decoded events, or 202 with status pending.
     */
    post: operations['gatewaySend'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/gateway/{contract}/openapi.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** An OpenAPI 3.1 document generated from the contract's ABI (one operation per function, request and response schemas), for client generators. Needs read scope or a sign scope. */
    get: operations['gatewayContractOpenApi'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/gateway/receipts/{hash}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A transaction's receipt with its events decoded by every ABI registered on the network. Needs read scope or a sign scope. */
    get: operations['gatewayReceipt'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/gateway/contracts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The contracts registered with the REST gateway (config and admin API), with their functions. */
    get: operations['adminListGatewayContracts'];
    put?: never;
    /** Register (or replace) a contract: name, network, address, ABI JSON. Checked (abi_invalid names the entry), persisted atomically in gateway-contracts.json beside the state file, audited (gateway_contract_register). A name defined in the config file is 409. */
    post: operations['adminRegisterGatewayContract'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/gateway/contracts/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Remove an admin-registered contract (audited, gateway_contract_remove); a config contract is 409. */
    delete: operations['adminRemoveGatewayContract'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/approvals/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A held request, for the token that sent it: 202 while it waits, 200 with the sign response exactly as POST /sign/<chain> returns it once approved (signed at approval time, with the policy as it is then), or the final code: 403 approval_denied, 410 approval_expired, or the refusal code of the signing (e.g. key_disabled). Another token gets 404. */
    get: operations['getApproval'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/approvals': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Held requests (pending first) and recently decided ones, with the decoded intent. Needs admin scope or an approve scope. */
    get: operations['adminListApprovals'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/approvals/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One approval with its decoded intent. Needs admin scope or an approve scope. */
    get: operations['adminGetApproval'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/approvals/{id}/approve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Approve a held request (admin scope, or approve / approve:<label>; a name in the key's approval.approvers when it lists any; never the requesting token; each name counts once). At the quorum the request is signed at once with the policy as it is now: status approved, or failed with the refusal code (a kill switch wins). */
    post: operations['adminApproveApproval'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/approvals/{id}/deny': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Deny a held request (same scopes and approvers as approve); its reserved budget is released. Optional body {"reason"}. */
    post: operations['adminDenyApproval'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pairing': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** An agent asks for a token (no auth): its name, the scopes (sign, read) and labels it wants, and an ephemeral X25519 public key. The answer's code is shown to the agent's operator, who gives it to the signer's operator to approve with. Rate limited per client address and overall ([pairing] requests_per_minute_per_ip, requests_per_minute; 429 pairing_rate_limited with Retry-After), and at most [pairing] max_pending wait at once. */
    post: operations['requestPairing'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/pairing/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The agent's pairing (no auth: the id is the agent's secret). 202 while it waits; 200 once approved, with the token sealed to the agent's X25519 key — exactly once; afterwards 410 pairing_delivered. Denied: 403 pairing_denied; expired: 410 pairing_expired. */
    get: operations['getPairing'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/pairing': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Pairing requests (pending first) and recently decided ones. Admin scope. Never shows the code. */
    get: operations['adminListPairings'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/pairing/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One pairing. Admin scope. */
    get: operations['adminGetPairing'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/pairing/{id}/approve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Approve a pending pairing with the code the agent shows (admin scope), optionally narrowing its labels and scopes (never widening: invalid_request). The token is created in the token file (as `openkms token create` would) and kept only sealed to the agent's key until it is fetched. A wrong code is 403 pairing_code_mismatch (audited); the third denies the pairing. */
    post: operations['adminApprovePairing'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/pairing/{id}/deny': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Deny a pending pairing (admin scope); no token is made. Optional body {"reason"}. */
    post: operations['adminDenyPairing'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/whoami': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The calling token's name and scopes (any valid token; the operator console shows actions only to tokens that may take them). */
    get: operations['whoAmI'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One page of the audit log, newest first, read from the end of the log (never loaded whole): filters by label, decision, code and time; `next_before` continues with older records. Every record read is checked against the next newer one read (seq, prev_mac) and the returned records' MACs are checked with the audit key (`verification`; the whole chain from its start is `openkms audit verify`). Needs read or admin scope. Answers 304 to an If-None-Match that matches its ETag. */
    get: operations['adminAuditPage'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/activity': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Sign requests of the last 60 minutes per minute and key: decisions, refusal reasons, key backend (HSM) signing latency. From the signer's own counters (in memory since it started; the audit log is the record). Needs read or admin scope. Answers 304 to an If-None-Match that matches its ETag. */
    get: operations['adminActivity'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ui': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The operator console (a web page; its files are under /ui/assets/). Public: it holds no data, it asks for a read or admin token and calls this API with it. Served with a strict Content-Security-Policy (no inline script or style, same origin only, never framed). 404 not_found when the console was not built. */
    get: operations['getConsole'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/mcp': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * MCP (Model Context Protocol) over streamable HTTP, stateless: the tools of `openkms mcp` (list_keys, get_policy, explain, sign_<chain>, send_evm_transaction when an EVM network is configured).
     * @description Each tool call is dispatched in process to the route it stands for (GET /keys, GET /policy/{label}, POST /policy/{label}/explain, POST /sign/{chain}, POST /rpc/evm/{network}) with this request's bearer token: authenticated, scoped, validated, decided and audited exactly like that request (request id: this one's suffixed .<n>). A refusal is a tool result with isError and the stable code and reason in its structured content. No tool changes policy, tokens or kill switches. Needs a bearer token (a client certificate alone is not enough); send Accept: application/json, text/event-stream. GET and DELETE (sessions, server-sent streams) are not served (405).
     */
    post: operations['mcp'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/sign/cosmos': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign a Cosmos SDK SignDoc (direct) or StdSignDoc (amino JSON) with a secp256k1 key */
    post: operations['sign_cosmos'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/sign/evm': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign an EVM transaction, EIP-712 typed data, an EIP-191 personal message or an EIP-7702 authorization with a secp256k1 key */
    post: operations['sign_evm'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/rpc/evm/{network}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * JSON-RPC 2.0 (single calls and batches of up to 100) for the evm network named in the path ([networks.<name>] in the config).
     * @description Answered by the signer (signatures through the same pipeline as POST /sign/evm: scope, policy, replay, audit): eth_accounts, eth_chainId, eth_sendTransaction, eth_sign, eth_signTransaction, eth_signTypedData_v4, personal_listAccounts, personal_sign. Passed unchanged to the network's upstream node: eth_blobBaseFee, eth_blockNumber, eth_call, eth_estimateGas, eth_feeHistory, eth_gasPrice, eth_getBalance, eth_getBlockByHash, eth_getBlockByNumber, eth_getBlockReceipts, eth_getBlockTransactionCountByHash, eth_getBlockTransactionCountByNumber, eth_getCode, eth_getFilterChanges, eth_getFilterLogs, eth_getLogs, eth_getProof, eth_getStorageAt, eth_getTransactionByBlockHashAndIndex, eth_getTransactionByBlockNumberAndIndex, eth_getTransactionByHash, eth_getTransactionCount, eth_getTransactionReceipt, eth_maxPriorityFeePerGas, eth_newBlockFilter, eth_newFilter, eth_syncing, eth_uninstallFilter, net_listening, net_version, web3_clientVersion. Every other method: JSON-RPC error -32601 (rpc_method_not_allowed). Call errors are JSON-RPC errors in a 200 response; their data carries the REST code, details and request_id (see the README for the code table); an error of the upstream node is passed on as the node sent it. Needs a read or sign token; signing needs the sign scope of the key.
     */
    post: operations['rpc_evm'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/sign/solana': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign a Solana message or transaction (legacy or v0) with an ed25519 key */
    post: operations['sign_solana'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    WhoAmI: {
      token_name: string;
      /** @description As in the token file (sign, sign:<label>, read, admin, approve, approve:<label>). */
      scopes: string[];
    };
    AuditPage: {
      /** @description Audit records as written to the log (see the audit record format), newest first. Their strings may come from clients; show them as text. */
      records: {
        v: number;
        seq: number;
        time: string;
        decision: string;
        prev_mac: string;
        mac: string;
      }[];
      /** @description The `before` of the next (older) page; null at the start of the log. */
      next_before: number | null;
      verification: {
        ok: boolean;
        /** @description Records read whose seq and prev_mac follow on from the next newer record read. */
        records_linked: number;
        macs_checked: number;
        problem?: {
          seq?: number;
          /** @enum {string} */
          reason: 'bad_json' | 'bad_record' | 'bad_mac' | 'seq_gap' | 'broken_link' | 'no_key';
          message: string;
        };
      };
      audit_up: boolean;
    };
    Activity: {
      window_minutes: number;
      minutes: {
        /** Format: date-time */
        minute: string;
        /** @description By key label (labels past 256 in one minute are counted under "(other labels)"). */
        keys: {
          [key: string]: {
            /** @description Sign requests by decision (allow, deny, replay, error, shed, pending). */
            decisions: {
              [key: string]: number;
            };
            /** @description Refusals by reason code. */
            reasons: {
              [key: string]: number;
            };
            backend_calls: number;
            backend_ms_avg: number | null;
            backend_ms_max: number | null;
          };
        };
      }[];
    };
    GatewayContractRegistration: {
      /** @description Route segment (/gateway/<name>/...); not "receipts". */
      name: string;
      /** @description A configured [networks.<name>] of a chain with a gateway (evm). */
      network: string;
      address: string;
      /** @description The contract's JSON ABI (the compiler's abi output). */
      abi: Record<string, unknown>[];
    };
    GatewayContract: {
      name: string;
      network: string;
      address: string;
      /** @enum {string} */
      source: 'config' | 'admin';
      replaced?: boolean;
      methods: {
        name: string;
        signature: string;
        readOnly: boolean;
        overloaded: boolean;
      }[];
    };
    GatewaySendResult: {
      transaction_hash: string;
      /** @description The nonce the signer assigned (decimal). */
      nonce: string;
      from: string;
      to: string;
      /**
       * @description With sync=true.
       * @enum {string}
       */
      status?: 'success' | 'reverted' | 'pending';
      block_number?: string;
      block_hash?: string;
      gas_used?: string;
      /** @description Logs decoded by the contract's ABI (event, signature, args by name), undecodable logs raw. */
      events?: Record<string, unknown>[];
    };
    ApprovalPending: {
      approval_id: string;
      /** @enum {string} */
      status: 'pending';
      /** Format: date-time */
      expires_at: string;
      reasons: components['schemas']['ApprovalReason'][];
      quorum?: number;
      /** @description Approvals given so far. */
      approvals?: number;
    };
    ApprovalReason: {
      /** @enum {string} */
      condition: 'above' | 'program' | 'message_type' | 'contract';
      message: string;
      asset?: string;
      threshold?: string;
      attempted?: string;
      program?: string;
      type_url?: string;
      contract?: string;
    };
    Approval: {
      approval_id: string;
      /** @enum {string} */
      status: 'pending' | 'approved' | 'denied' | 'expired' | 'failed';
      label: string;
      chain: string;
      /** @description The name of the token that sent the request. */
      token_name: string;
      /** Format: date-time */
      created_at: string;
      /** Format: date-time */
      expires_at: string;
      reasons: components['schemas']['ApprovalReason'][];
      /** @description The decoded intent (amounts as decimal strings of base units). */
      intent: Record<string, unknown>;
      /** @description How operators read the intent's amounts, by asset id, where the chain plugin knows the asset (e.g. {"native": {"symbol": "SOL", "decimals": 9}}); others are in base units. */
      assets?: {
        [key: string]: {
          symbol: string;
          decimals: number;
        };
      };
      quorum: number;
      approvers: string[];
      approvals: {
        name: string;
        /** Format: date-time */
        at: string;
      }[];
      /** Format: date-time */
      decided_at?: string;
      denied_by?: string;
      /** @description Final code (approval_denied, approval_expired, or the refusal code when signing failed). */
      code?: string;
      message?: string;
    };
    PairingRequest: {
      /** @description The token name asked for (the token made on approval has this name). */
      name: string;
      /** @description Keys the sign scope should cover; absent or empty with sign: every key. */
      labels?: string[];
      scopes: ('sign' | 'read')[];
      /** @description The agent's ephemeral X25519 public key, 32 bytes as base64, base64url or hex. */
      x25519_public_key: string;
    };
    PairingCreated: {
      /** @description Keep it secret; GET /pairing/{pairing_id} needs nothing else. */
      pairing_id: string;
      /** @enum {string} */
      status: 'pending';
      /** @description Show it to your operator (8 characters, `XXXX-XXXX`); the signer's operator approves with it. */
      code: string;
      /** Format: date-time */
      expires_at: string;
      /** @description The first 16 hex digits of SHA-256 over the public key sent (operators see the same). */
      public_key_sha256?: string;
    };
    PairingPending: {
      pairing_id: string;
      /** @enum {string} */
      status: 'pending';
      /** Format: date-time */
      expires_at: string;
    };
    /** @description The token encrypted to the agent's X25519 key. e = the signer's one-time key pair; shared = X25519(e.private, agent_public); key = HKDF-SHA256(ikm = shared, salt = e.public ‖ agent_public (64 bytes), info = "openkms-pairing-v1:" ‖ pairing_id, 32 bytes); plaintext = AES-256-GCM-decrypt(key, nonce, ciphertext ‖ tag, aad = "openkms-pairing-v1:" ‖ pairing_id) is the token (UTF-8). */
    SealedToken: {
      /** @constant */
      alg: 'X25519-HKDF-SHA256-AES-256-GCM';
      ephemeral_public_key_b64: string;
      nonce_b64: string;
      /** @description The ciphertext followed by the 16-byte GCM tag. */
      ciphertext_b64: string;
    };
    PairingDelivery: {
      pairing_id: string;
      /** @enum {string} */
      status: 'approved';
      token_name: string;
      /** @description The token's scopes as granted (sign:<label> per label, or sign; read). */
      scopes: string[];
      sealed_token: components['schemas']['SealedToken'];
    };
    PairingApproval: {
      /** @description The code the agent was shown (case, dashes and spaces do not matter). */
      code: string;
      /** @description Grant only these labels (a subset of those asked for; any keys when every key was asked for). */
      labels?: string[];
      /** @description Grant only these scopes (a subset of those asked for). */
      scopes?: ('sign' | 'read')[];
    };
    Pairing: {
      pairing_id: string;
      /** @enum {string} */
      status: 'pending' | 'approved' | 'delivered' | 'denied' | 'expired';
      name: string;
      labels: string[];
      scopes: string[];
      public_key_sha256: string;
      /** @description The client address that asked (informational). */
      remote: string;
      /** Format: date-time */
      created_at: string;
      /** Format: date-time */
      expires_at: string;
      wrong_codes: number;
      /** Format: date-time */
      decided_at?: string;
      decided_by?: string;
      token_name?: string;
      granted_scopes?: string[];
      /** Format: date-time */
      delivered_at?: string;
      /** @description Final code (pairing_denied, pairing_expired). */
      code?: string;
      message?: string;
    };
    Error: {
      /** @description Human-readable message; may change between releases. */
      error: string;
      /** @description Stable machine code (see the README's error table). */
      code: string;
      request_id: string;
      /** @description Structured context (never secrets). */
      details?: Record<string, unknown>;
    };
    /** @description The error body of a 403 or 429; a policy denial's details are DenialDetails. */
    DenialError: components['schemas']['Error'] & {
      details?: components['schemas']['DenialDetails'];
    };
    /** @description The failing rule of a policy denial and its facts, as applicable to the rule, in the shape POST /policy/{label}/explain returns them (its `details`, and the rule's entry in `rules`). Amounts are decimal strings in base units. */
    DenialDetails: {
      label?: string;
      /** @description The failing rule (per_tx_caps, window_caps, max_signs_per_minute, allowed_programs, uncapped_assets, …). */
      rule?: string;
      /** @description The asset the failing cap or check is about (native, spl:<mint>, denom:<denom>, …). */
      asset?: string;
      cap?: string;
      /** @description What this transaction moves of the asset. */
      attempted?: string;
      /** @description Already spent in the rolling 24 h window (window caps). */
      spent?: string;
      /** @description What is left of the window cap now. */
      remaining?: string;
      /** @description Seconds until the request could pass (429 only; equals Retry-After). */
      retry_after_secs?: number;
      limit?: number;
      used?: number;
      window_secs?: number;
      program?: string;
      type_url?: string;
      recipient?: string;
      via?: string;
      contract?: string;
      method?: string;
      uncapped?: string[];
      /** @description Every violation of the failing rule, the first one in `error`. */
      violations?: string[];
      /** @description The calls of REST gateway contracts (registered ABIs) in the request, each as `<contract name>.<signature> <arguments as JSON>`, e.g. `token.transfer(address,uint256) {"to":"0x…","value":"250"}`; whatever rule failed. */
      contract_calls?: string[];
    };
    Health: {
      /**
       * @description ok (HTTP 200) when the key backend answers and the audit log is writable; degraded (HTTP 503) otherwise. Answered from the last known state within about 150 ms; the device is probed in the background.
       * @enum {string}
       */
      status: 'ok' | 'degraded';
      /** @description The key backend answers (a device whose current command has run for more than a second counts as down). */
      hsm_up: boolean;
      /** @description The audit log is writable (false after a failed write, until it recovers). */
      audit_up: boolean;
      /** @description True when the key backend is the YubiHSM2 simulator (never for real funds). */
      simulated?: boolean;
      /** @description With several key backends, each one's state; status is degraded (HTTP 503) while any is down, and the keys of the others keep signing. */
      backends?: {
        name: string;
        kind: string;
        up: boolean;
      }[];
    };
    Key: {
      /** @description null for a key a backend holds that no label maps to (configured false). */
      label: string | null;
      chain: string | null;
      /** @description null while the key backend is unreachable (or the key is missing from it). */
      address: string | null;
      enabled: boolean;
      /** @description The key's YubiHSM2 object id as an integer (the original openKMS's field); null for keys of other backends. */
      object_id: number | null;
      /** @description The key's id in its backend, as in our config (`key_id`) - `0xNNNN` for a YubiHSM2 object, the object label (or `id:<hex>`) for PKCS#11, the key id, alias or name for cloud backends. */
      key_id: string;
      derivation_path: string | null;
      /** @description The raw public key (32-byte Ed25519, 33-byte compressed secp256k1), base64; null while the key backend is unreachable (or the key is missing from it). */
      public_key_b64: string | null;
      /** @description The backend holding the key (`[backends.<name>]`; `yubihsm` for the old `[backend]` table). */
      backend?: string;
      /** @description false for a key a backend reports that no label maps to (discovered; it has no policy and never signs). */
      configured?: boolean;
      /**
       * @description Discovered keys only.
       * @enum {string}
       */
      curve?: 'ed25519' | 'secp256k1';
      /** @description Discovered keys only, the label the backend stores with the key. */
      backend_label?: string;
      /**
       * @description Where the key came from, when its backend reports it (YubiHSM2 - the device's object origin; generated inside the device, imported in the clear, or imported under a wrap key, i.e. restored from a backup). Absent for backends that do not say.
       * @enum {string}
       */
      origin?: 'generated' | 'imported' | 'imported-wrapped';
      /** @description True when the backend can prove the origin with an attestation certificate (YubiHSM2 - verify it with `openkms keys attest LABEL --root FILE`). Absent for backends without attestation. */
      attestation?: boolean;
    };
    PolicySnapshot: {
      label: string;
      overlay: components['schemas']['PolicyOverlay'];
      /**
       * @description Where the effective policy comes from (the original openKMS's field).
       * @enum {unknown}
       */
      policy_source: 'config' | 'config+overlay';
      /** @description The config file's policy, without the overlay. */
      baseline_policy: components['schemas']['Policy'];
      /** @description The effective policy. */
      policy: components['schemas']['Policy'];
      runtime: components['schemas']['PolicyRuntime'];
    };
    PolicyView: {
      label: string;
      chain: string;
      /** @description null while the key backend is unreachable. */
      address: string | null;
      /** @description False when the global kill switch, the key's kill switch or the policy's `enabled` stops it. */
      effective_enabled: boolean;
      /** @description SHA-256 (hex) of the canonical effective policy; audit records carry the same value. */
      policy_version?: string;
      /** @description The key's YubiHSM2 object id (the original openKMS's field). */
      object_id?: number;
      key_id?: string;
      derivation_path?: string | null;
      /** @description The effective policy (config with the runtime overlay applied). A native-asset cap is also echoed as the original openKMS's `per_tx_cap_lamports` / `daily_cap_lamports`. */
      policy: components['schemas']['Policy'];
      runtime: components['schemas']['PolicyRuntime'];
    };
    PolicyRuntime: {
      /** @description The same as the view's `effective_enabled` (the original openKMS's place for it). */
      effective_enabled?: boolean;
      /** @description false while the key's kill switch is off, else null (our switch only ever disables; the config's `enabled` decides otherwise). */
      enabled_override?: boolean | null;
      global_enabled?: boolean;
      key_switch_enabled?: boolean;
      /** @description Signatures in each rolling window (pending reservations included). */
      sign_counts?: {
        per_minute?: components['schemas']['SignCount'];
        per_hour?: components['schemas']['SignCount'];
        per_day?: components['schemas']['SignCount'];
      };
      /** @description Rolling 24 h spend per asset (every asset with a window cap or with spend in the window). */
      spend?: components['schemas']['AssetSpend'][];
      /** @description True when the key's usage could not be read now from the state the decisions use (fleet mode, Redis did not answer or lost the fleet's state). `sign_counts`, `spend` and `daily_spend` are then not the current state but the figures last read by this instance at `usage_read_at`, or zeros that mean nothing when `usage_read_at` is null (never read). They stay numbers so that clients of the original openKMS keep parsing them; read this flag first. Signing the key fails closed (503) meanwhile. Always false in memory mode. */
      usage_unavailable?: boolean;
      /**
       * Format: date-time
       * @description When the usage figures shown were read (ISO 8601); now when live, the time of the last successful read when `usage_unavailable`, null when this instance never read them.
       */
      usage_read_at?: string | null;
      /** @description Present only when `usage_unavailable`; the stable code of the read's fault (`state_unavailable`, `state_lost`). */
      usage_error?: string;
      /** @description Where the usage lives and whether this read of it succeeded. */
      state_store?: {
        /** @description `memory` (this process) or `redis` (a fleet's shared store). */
        kind: string;
        /** @description False when this view's read of the store failed. Always true in memory mode. */
        reachable: boolean;
      };
      /** @description The `spend` list in the original openKMS's item shape. Our window is rolling 24 h, not a UTC calendar day; `day_unix` is the window's start (now − 86400 s). */
      daily_spend?: components['schemas']['DailySpend'][];
    };
    DailySpend: {
      /** @description The asset id (native, spl:<mint>, denom:<denom>, …). */
      token: string;
      /** @description Start of the rolling window (unix seconds). */
      day_unix: number;
      spent: string;
      cap: string | null;
    };
    SignCount: {
      /** @description The policy's limit for this window; 0 when unlimited (the original openKMS's reading of 0). */
      limit?: number;
      used?: number;
      window_secs?: number;
      /** @description When the oldest signature counted in the window leaves it (ISO 8601); null when the window is empty. */
      resets_at?: string | null;
      /** @description Seconds until this window admits one more signature; 0 when a slot is free now (or there is no limit), else when the next slot frees (what a 429 from this window carries in Retry-After). */
      retry_after_secs?: number;
    };
    AssetSpend: {
      /** @description native, spl:<mint>, denom:<denom>, … */
      asset?: string;
      /** @description Base units spent in the rolling 24 h window (decimal string). */
      spent?: string;
      /** @description The window cap; null when the asset has none. */
      cap?: string | null;
      remaining?: string | null;
      /** @description When the oldest spend in the window leaves it (ISO 8601); null when nothing is spent. */
      resets_at?: string | null;
      /** @description Seconds until resets_at; null when nothing is spent. */
      retry_after_secs?: number | null;
      /** @description The amount that leaves the window at resets_at (the oldest spend); null when nothing is spent. */
      frees_at_reset?: string | null;
      /** @description What will remain of the cap once the oldest spend has left (at resets_at); null without a cap or spend. */
      remaining_at_reset?: string | null;
    };
    Explanation: {
      label: string;
      /** @description Whether POST /sign/{chain} with this body would be signed now (or replayed, see `replay`). */
      allowed: boolean;
      /** @description True when these exact bytes were signed within the replay window and the policy does not now forbid them; signing would return the cached signature, consuming nothing, so rate and window limits do not refuse it (their verdicts are still listed in `rules`). */
      replay?: boolean;
      /** @description When refused, the first failing rule's code. */
      code?: string;
      message?: string;
      retry_after_secs?: number;
      /** @description When refused, exactly the `details` a sign request with this body would get in its 403/429 body. */
      details?: components['schemas']['DenialDetails'];
      /** @description Present when an allowed request meets a condition of the key's approval table: POST /sign/{chain} would hold it (202, its budget reserved) for an operator instead of signing it at once; JSON-RPC and the gateway would refuse it (approval_required). */
      approval?: {
        /** @constant */
        required: true;
        reasons: components['schemas']['ApprovalReason'][];
      };
      rules: {
        rule: string;
        ok: boolean;
        code?: string;
        message?: string;
        /** @enum {string} */
        kind?: 'forbidden' | 'limited';
        retryAfterSeconds?: number;
        /** @description The rule's facts; a failing rule names what failed in flat fields (asset, cap, attempted, spent, remaining, retry_after_secs, limit, used, …), the same as DenialDetails. */
        detail?: Record<string, unknown>;
      }[];
      /** @description The policy facts the chain plugin decoded (programs, contracts, transfers, fees, flags). A call to a REST gateway contract lists its `contract_name`, function `signature` and ABI-decoded `args` (integers as decimal strings, addresses checksummed, bytes as 0x hex, tuples as objects) in `contracts`. */
      intent?: Record<string, unknown>;
      policy_version?: string;
    };
    JsonRpcCall: {
      /** @constant */
      jsonrpc: '2.0';
      /** @description Absent for a notification (run, not answered). */
      id?: string | number | null;
      method: string;
      params?: unknown[] | Record<string, unknown>;
    };
    /** @description One JSON-RPC 2.0 call, or a batch of 1 to 100. */
    JsonRpcRequestBody: components['schemas']['JsonRpcCall'] | unknown[];
    JsonRpcReply: {
      /** @constant */
      jsonrpc: '2.0';
      id: string | number | null;
      result?: unknown;
      error?: {
        /** @description -32700 parse error, -32600 invalid request, -32601 method not found or not allowed, -32602 invalid params (REST 400/404/409/413 codes), -32603 internal, -32002 unavailable (rpc_unavailable and REST 502/503 codes), -32003 refused by policy or scope (REST 403 codes), -32005 limit exceeded (REST 429 codes); an upstream node's error keeps the node's code. */
        code: number;
        message: string;
        /** @description The REST API's `code`, `details` and `request_id` (the audit records' id); an upstream node's error carries the node's own data. */
        data?: unknown;
      };
    };
    JsonRpcResponseBody: components['schemas']['JsonRpcReply'] | components['schemas']['JsonRpcReply'][];
    /** @description A sign request for the chain of the key named in the path; validated against that chain's schema. */
    AnySignRequest: {
      label: string;
    };
    /** KeyPolicy */
    Policy: {
      /**
       * @description False stops every signature of this key.
       * @default true
       */
      enabled?: boolean;
      /** @description Signatures per rolling minute. */
      max_signs_per_minute?: number;
      /** @description Signatures per rolling hour. */
      max_signs_per_hour?: number;
      /** @description Signatures per rolling 24 h. */
      max_signs_per_day?: number;
      /** @description Asset id (native, spl:<mint>, denom:<denom>, …) → cap per transaction. */
      per_tx_caps?: {
        [key: string]: string;
      };
      /** @description Asset id → cap over a rolling 24 h window. */
      window_caps?: {
        [key: string]: string;
      };
      /** @description Fee asset id → cap on the fees of one transaction. */
      fee_caps?: {
        [key: string]: string;
      };
      /**
       * @description Deny transfers of assets that no cap names (default). False is dangerous: any uncapped asset can be sent in any amount.
       * @default true
       */
      deny_uncapped_assets?: boolean;
      /**
       * @deprecated
       * @description Deprecated: admits undecoded actions of every allowed program. Use allowed_programs[].allow_unknown_instructions.
       * @default false
       */
      allow_unknown_instructions?: boolean;
      /** @description Programs a transaction may invoke (absent or empty: none). */
      allowed_programs?: {
        /** @description Program id (base58 for Solana). */
        id: string;
        comment?: string;
        /** @description If present, only these instruction kinds of the program are allowed (names as the intent reports them). */
        instructions?: string[];
        /**
         * @description Admit this program's instructions the chain plugin could not decode.
         * @default false
         */
        allow_unknown_instructions?: boolean;
      }[];
      /** @description Message types a transaction may contain (absent or empty: none). */
      allowed_messages?: {
        /** @description Message type URL, e.g. /cosmos.bank.v1beta1.MsgSend. */
        type_url: string;
        /** @description If present, transfers through this message type must go to one of these. */
        allowed_recipients?: string[];
        /** @description If present, contract calls through this message type must target one of these. */
        allowed_contracts?: string[];
        /** @description If present, contract calls through this message type must use one of these methods. */
        allowed_methods?: string[];
        /** @description If present, transfers through this message type (IBC MsgTransfer) must use one of these source channels. */
        allowed_channels?: string[];
        /** @description Asset id (a bare name means denom:<name>) → cap per transaction on transfers through this message type. */
        per_tx_cap?: {
          [key: string]: string;
        };
      }[];
      allowed_recipients?: {
        program?: string;
        asset?: string;
        addresses: string[];
      }[];
      /** @description Contracts (EVM) a transaction may call directly (absent or empty: none). */
      allowed_contracts?: {
        /** @description Contract address (any case; compared case-insensitively). */
        address: string;
        /** @description Method names ("transfer"), 4-byte selectors ("0x095ea7b3") or "*" (any method); [] allows none. */
        methods: string[];
        comment?: string;
      }[];
      /** @description Risk flags this key may carry (contract_creation, unlimited_approval, nft_transfer, nft_approval_for_all, blob_transaction, delegation_authorization, personal_message); absent or empty: none. */
      allowed_flags?: string[];
      /** @description Otherwise allowed requests that wait (HTTP 202) for an operator approval before they are signed. */
      approval?: {
        /** @description Asset id → amount in base units; strictly more needs an approval. */
        above?: {
          [key: string]: string;
        };
        programs?: string[];
        message_types?: string[];
        contracts?: string[];
        /** @default 900 */
        ttl_secs?: number;
        approvers?: string[];
        /** @default 1 */
        quorum?: number;
        /** @description This key's own webhook, besides the signer's [approvals] one (with webhook_secret_file). */
        webhook_url?: string;
        /** @description The file of its HMAC-SHA256 secret (mode 0600). */
        webhook_secret_file?: string;
        /**
         * @description Also send the agent's request (raw transaction bytes) to this key's webhook.
         * @default false
         */
        webhook_include_request?: boolean;
      };
      /**
       * @description Alias of window_caps.native (lamports; rolling 24 h, not a calendar day).
       * @example 5000000000
       */
      daily_cap_lamports?: string;
      /**
       * @description Alias of per_tx_caps.native (lamports).
       * @example 5000000000
       */
      per_tx_cap_lamports?: string;
    };
    /** KeyPolicyOverlay */
    PolicyOverlay: {
      enabled?: boolean | null;
      max_signs_per_minute?: number | null;
      max_signs_per_hour?: number | null;
      max_signs_per_day?: number | null;
      per_tx_caps?: {
        [key: string]: string | null;
      } | null;
      window_caps?: {
        [key: string]: string | null;
      } | null;
      fee_caps?: {
        [key: string]: string | null;
      } | null;
      deny_uncapped_assets?: boolean | null;
      allow_unknown_instructions?: boolean | null;
      allowed_programs?:
        | {
            /** @description Program id (base58 for Solana). */
            id: string;
            comment?: string;
            /** @description If present, only these instruction kinds of the program are allowed (names as the intent reports them). */
            instructions?: string[];
            /**
             * @description Admit this program's instructions the chain plugin could not decode.
             * @default false
             */
            allow_unknown_instructions?: boolean;
          }[]
        | null;
      allowed_messages?:
        | {
            /** @description Message type URL, e.g. /cosmos.bank.v1beta1.MsgSend. */
            type_url: string;
            /** @description If present, transfers through this message type must go to one of these. */
            allowed_recipients?: string[];
            /** @description If present, contract calls through this message type must target one of these. */
            allowed_contracts?: string[];
            /** @description If present, contract calls through this message type must use one of these methods. */
            allowed_methods?: string[];
            /** @description If present, transfers through this message type (IBC MsgTransfer) must use one of these source channels. */
            allowed_channels?: string[];
            /** @description Asset id (a bare name means denom:<name>) → cap per transaction on transfers through this message type. */
            per_tx_cap?: {
              [key: string]: string;
            };
          }[]
        | null;
      allowed_recipients?:
        | {
            program?: string;
            asset?: string;
            addresses: string[];
          }[]
        | null;
      allowed_contracts?:
        | {
            /** @description Contract address (any case; compared case-insensitively). */
            address: string;
            /** @description Method names ("transfer"), 4-byte selectors ("0x095ea7b3") or "*" (any method); [] allows none. */
            methods: string[];
            comment?: string;
          }[]
        | null;
      allowed_flags?: string[] | null;
      approval?: {
        /** @description Asset id → amount in base units; strictly more needs an approval. */
        above?: {
          [key: string]: string;
        };
        programs?: string[];
        message_types?: string[];
        contracts?: string[];
        /** @default 900 */
        ttl_secs?: number;
        approvers?: string[];
        /** @default 1 */
        quorum?: number;
        /** @description This key's own webhook, besides the signer's [approvals] one (with webhook_secret_file). */
        webhook_url?: string;
        /** @description The file of its HMAC-SHA256 secret (mode 0600). */
        webhook_secret_file?: string;
        /**
         * @description Also send the agent's request (raw transaction bytes) to this key's webhook.
         * @default false
         */
        webhook_include_request?: boolean;
      } | null;
      daily_cap_lamports?: string | null;
      per_tx_cap_lamports?: string | null;
    };
    /**
     * CosmosSignRequest
     * @description Direct mode: `sign_doc_b64` (with `sign_mode` absent or "direct"). Amino mode: `sign_mode: "amino"` with `sign_doc` (a StdSignDoc JSON object).
     */
    'SignRequest.cosmos': {
      /** @description Label of the configured key. */
      label: string;
      /**
       * @description direct = SIGN_MODE_DIRECT (sign_doc_b64); amino = SIGN_MODE_LEGACY_AMINO_JSON (sign_doc).
       * @default direct
       * @enum {string}
       */
      sign_mode?: 'direct' | 'amino';
      /** @description Protobuf-encoded cosmos.tx.v1beta1.SignDoc (direct mode), standard base64 with padding. */
      sign_doc_b64?: string;
      /** @description Amino StdSignDoc (SIGN_MODE_LEGACY_AMINO_JSON), as cosmjs makeSignDoc builds it. The bytes signed are its canonical form (cosmjs serializeSignDoc: keys sorted, <>& escaped). */
      sign_doc?: {
        chain_id: string;
        account_number: string;
        sequence: string;
        fee: {
          amount: {
            denom: string;
            amount: string;
          }[];
          gas: string;
          granter?: string;
          payer?: string;
        };
        msgs: {
          /** @description Amino type, e.g. cosmos-sdk/MsgSend. */
          type: string;
          value: Record<string, unknown>;
        }[];
        memo: string;
        timeout_height?: string;
      };
      /** @description Chain id the client expects; the document's chain_id and the key's configured chain_id must equal it. */
      expected_chain_id: string;
    } & (
      | {
          /** @constant */
          sign_mode?: 'direct';
        }
      | {
          /** @constant */
          sign_mode: 'amino';
        }
    );
    /** CosmosSignResponse */
    'SignResponse.cosmos': {
      /** @description 64-byte r‖s secp256k1 signature (low S) over sha256 of the sign bytes (keccak256 for Ethermint-style keys). */
      signature_b64: string;
      /** @description Bech32 address of the signing key. */
      signer_address: string;
      /** @description The signing key in amino JSON form, as a StdSignature pub_key (cosmjs makeStdTx). */
      pub_key: {
        /** @enum {string} */
        type: 'tendermint/PubKeySecp256k1' | 'ethermint/PubKeyEthSecp256k1' | 'injective/PubKeyEthSecp256k1';
        /** @description 33-byte compressed secp256k1 public key. */
        value: string;
      };
    };
    /**
     * EvmSignRequest
     * @description One of: a transaction (`tx` JSON fields or `tx_hex`), EIP-712 `typed_data`, an EIP-191 personal message (`message` text or `message_hex`), or an EIP-7702 `authorization`.
     */
    'SignRequest.evm': {
      /** @description Label of the configured key. */
      label: string;
    } & (
      | {
          /** @description Label of the configured key. */
          label: string;
          /** @description Must equal the chain id of what is signed and the key’s configured chain_id. */
          expected_chain_id: string | number;
          /** @description Unsigned transaction as JSON fields. `type` defaults from the fee fields; `chainId` defaults to expected_chain_id. */
          tx: {
            /** @enum {string} */
            type?: 'legacy' | 'eip2930' | 'eip1559' | 'eip4844' | 'eip7702' | '0x0' | '0x1' | '0x2' | '0x3' | '0x4';
            /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
            chainId?: string | number;
            /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
            nonce?: string | number;
            /** @description Absent or null: contract creation. */
            to?: string | null;
            /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
            value?: string | number;
            data?: string;
            input?: string;
            /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
            gas?: string | number;
            /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
            gasPrice?: string | number;
            /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
            maxFeePerGas?: string | number;
            /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
            maxPriorityFeePerGas?: string | number;
            accessList?: {
              /** @description Address, 0x + 40 hex digits (mixed case must be a valid EIP-55 checksum). */
              address: string;
              storageKeys: string[];
            }[];
            /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
            maxFeePerBlobGas?: string | number;
            blobVersionedHashes?: string[];
            authorizationList?: {
              /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
              chainId: string | number;
              /** @description Address, 0x + 40 hex digits (mixed case must be a valid EIP-55 checksum). */
              address: string;
              /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
              nonce: string | number;
              r: string;
              s: string;
              /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
              yParity: string | number;
            }[];
          };
        }
      | {
          /** @description Label of the configured key. */
          label: string;
          /** @description Must equal the chain id of what is signed and the key’s configured chain_id. */
          expected_chain_id: string | number;
          /** @description Serialized unsigned transaction (legacy EIP-155, EIP-2930, EIP-1559, EIP-4844, EIP-7702), 0x hex. */
          tx_hex: string;
        }
      | {
          /** @description Label of the configured key. */
          label: string;
          /** @description Must equal the chain id of what is signed and the key’s configured chain_id. */
          expected_chain_id: string | number;
          /** @description EIP-712 typed data as eth_signTypedData_v4 takes it. */
          typed_data: {
            domain: Record<string, unknown>;
            types: {
              [key: string]: {
                name: string;
                type: string;
              }[];
            };
            primaryType: string;
            message: Record<string, unknown>;
          };
        }
      | {
          /** @description Label of the configured key. */
          label: string;
          /** @description Optional for messages; when given, must equal the key’s configured chain_id. */
          expected_chain_id?: string | number;
          /** @description EIP-191 personal message (UTF-8 text). */
          message: string;
        }
      | {
          /** @description Label of the configured key. */
          label: string;
          /** @description Optional for messages; when given, must equal the key’s configured chain_id. */
          expected_chain_id?: string | number;
          /** @description EIP-191 personal message (raw bytes, 0x hex). */
          message_hex: string;
        }
      | {
          /** @description Label of the configured key. */
          label: string;
          /** @description Must equal the chain id of what is signed and the key’s configured chain_id. */
          expected_chain_id: string | number;
          authorization: {
            /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
            chainId: string | number;
            /** @description Address, 0x + 40 hex digits (mixed case must be a valid EIP-55 checksum). */
            address: string;
            /** @description Unsigned integer: decimal string, 0x hex string or JSON integer. */
            nonce: string | number;
          };
        }
    );
    /** EvmSignResponse */
    'SignResponse.evm': {
      /** @description EIP-55 address of the signing key. */
      signer_address: string;
      /** @enum {string} */
      kind: 'transaction' | 'typed_data' | 'personal_message' | 'authorization';
      /** @description keccak256 digest that was signed. */
      digest: string;
      r: string;
      /** @description Low S (s ≤ n/2). */
      s: string;
      /** @enum {integer} */
      y_parity: 0 | 1;
      /** @description Transactions: the signed transaction’s v (legacy EIP-155 or y_parity); otherwise 27 + y_parity. */
      v: string;
      /** @description 65 bytes r ‖ s ‖ (27 + y_parity). */
      signature: string;
      /** @description Transactions: the signed raw transaction. */
      raw_transaction?: string;
      /** @description Transactions: keccak256 of raw_transaction. */
      tx_hash?: string;
    };
    /** SolanaSignRequest */
    'SignRequest.solana': {
      /** @description Label of the configured key. */
      label: string;
      /** @description Serialized Solana message (legacy or v0), standard base64 with padding. Exactly one of message_b64 and transaction_b64. */
      message_b64?: string;
      /** @description Serialized Solana transaction (legacy or v0; unsigned or partially signed, e.g. from a swap API), standard base64. The response carries it back signed in signed_transaction_b64. */
      transaction_b64?: string;
      /** @description Cluster the client expects (e.g. "mainnet-beta"); recorded as the intent network for policy. */
      expected_chain_id?: string;
      /** @description Optional hint: the client's view of the lookup tables a v0 message uses. Never trusted: the signer resolves tables from pinned config or its own RPC, and a hint that differs is refused (lookup_table_mismatch). */
      address_lookup_tables?: {
        key: string;
        addresses: string[];
      }[];
    } & (unknown | unknown);
    /** SolanaSignResponse */
    'SignResponse.solana': {
      /** @description 64-byte ed25519 signature over the message bytes. */
      signature_b64: string;
      /** @description The same signature in base58 (the transaction id if the key pays the fee). */
      signature_b58: string;
      signer_address: string;
      /** @description The fee payer (first account key) of the message. */
      fee_payer: string;
      /** @description For transaction_b64 requests: the transaction with this signature in the key slot, ready to broadcast once every slot is signed. */
      signed_transaction_b64?: string;
    };
  };
  responses: {
    /** @description The body has not changed since the ETag given in If-None-Match (no body). */
    NotModified: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        ETag: components['headers']['ETag'];
        [name: string]: unknown;
      };
      content?: never;
    };
    /** @description The network's node answered with an error (upstream_rejected: e.g. a reverted eth_call); its code and message are in details. */
    UpstreamRejected: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description Invalid request: body validation (invalid_request, with details.path naming the field), malformed JSON (malformed_json), a body that is not a JSON object, an undecodable path parameter, a transaction that cannot be decoded or does not match the key (decode_failed, chain_id_mismatch when the request's network is not the one the key is pinned to, signer_mismatch, unknown_instruction, wrong_chain; a Cosmos protobuf nesting deeper than 16 levels is decode_failed), well-formed input using something the signer does not support (unsupported, e.g. a v0 Solana message); more than one Authorization header (invalid_request, on every authenticated route); on POST /admin/reload an invalid config file (config_invalid, details.errors lists every error). */
    BadRequest: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description Missing, malformed or unknown bearer token (unauthorized). */
    Unauthorized: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The token lacks the scope (forbidden_scope), or the policy denied the request (policy_denied, key_disabled, global_disabled, program_not_allowed, per_tx_cap_exceeded, uncapped_asset_denied, …); a policy denial's details are the failing rule and its facts (DenialDetails), as POST /policy/{label}/explain shows them. */
    Forbidden: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['DenialError'];
      };
    };
    /** @description Unknown label (unknown_label) or unknown route (not_found). */
    NotFound: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description A known path with a method it does not serve (method_not_allowed); the Allow header lists the methods. Not listed per operation. */
    MethodNotAllowed: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        /** @description The methods the path serves. */
        Allow?: string;
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The body exceeds server.max_body_bytes (payload_too_large); on sign: the request's audit record would exceed the record size limit even bounded (audit_record_too_large: nothing was signed, a small record of the refusal was written; not retryable as sent, send a smaller transaction). */
    PayloadTooLarge: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The body is not UTF-8 application/json (unsupported_media_type). */
    UnsupportedMediaType: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description A rate limit or rolling window cap is exhausted (rate_limited, window_cap_exceeded; details.retry_after_secs, with the failing rule and its facts, DenialDetails); on sign: the token had more than auth.denied_per_minute requests refused this minute and is refused, before its body is read, until the minute ends (denial_budget_exceeded; audited as one summary record per token and minute). Retry after Retry-After seconds. */
    TooManyRequests: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        'Retry-After': components['headers']['RetryAfter'];
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['DenialError'];
      };
    };
    /** @description Nothing was done, retry later (Retry-After): the signer is shutting down (shutting_down, on every route); on sign: overloaded, deadline_exceeded; key backend errors (backend_unavailable, backend_error, backend_timeout, key_not_found, signature_verification_failed); the audit log cannot be written (audit_write_failed); on admin routes: the runtime state file cannot be written (state_write_failed) or the audit record cannot be written. For backend_unavailable, Retry-After is when the key backend will next try a device (at most a few seconds). */
    ServiceUnavailable: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        'Retry-After': components['headers']['RetryAfter'];
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description An unexpected server error (a bug): the body is {error: "internal error", code: "internal_error"}, without internals. */
    InternalError: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description Degraded: the key backend is down or the audit log has failed (Health body, status degraded); or the signer is shutting down (Error body, code shutting_down). */
    HealthDegraded: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Health'] | components['schemas']['Error'];
      };
    };
    /** @description The key's kill-switch state. */
    KeyState: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          label: string;
          enabled: boolean;
        };
      };
    };
    /** @description The global kill-switch state. */
    GlobalState: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          enabled: boolean;
        };
      };
    };
    /** @description The key's policy overlay with its full policy snapshot. */
    Overlay: {
      headers: {
        'x-request-id': components['headers']['RequestId'];
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['PolicySnapshot'];
      };
    };
  };
  parameters: {
    /** @description A contract registered with the gateway ([gateway.contracts.<name>] or POST /admin/gateway/contracts). */
    GatewayContract: string;
    /** @description A function name, or its signature when overloaded (`transfer(address,uint256)`). */
    GatewayMethod: string;
    Label: string;
  };
  requestBodies: never;
  headers: {
    /** @description A weak validator of the body; send it back as If-None-Match to get 304 when nothing changed (polling). */
    ETag: string;
    /** @description Request id; echoes a valid incoming x-request-id or is generated. */
    RequestId: string;
    /** @description The state store the usage in this response was read from, for the whole response (GET /policy is an array): `kind=<memory|redis>; reachable=<true|false>; usage_unavailable=<n>`. reachable is false when any read of this response failed; n counts the keys whose usage is not the current state (see PolicyRuntime.usage_unavailable). Absent when no key is visible to the token. */
    StateStore: string;
    /** @description Seconds to wait before retrying. */
    RetryAfter: number;
  };
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  getHealth: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Healthy: the key backend answers and the audit log is writable (status ok). */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Health'] & {
            /** @constant */
            status?: 'ok';
          };
        };
      };
      500: components['responses']['InternalError'];
      503: components['responses']['HealthDegraded'];
    };
  };
  listKeys: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Keys visible to the token. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Key'][];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  listPolicies: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One entry per key visible to the token. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          'x-openkms-state-store': components['headers']['StateStore'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PolicyView'][];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  getPolicy: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        label: components['parameters']['Label'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The key's policy view. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          'x-openkms-state-store': components['headers']['StateStore'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PolicyView'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  explainPolicy: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        label: components['parameters']['Label'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AnySignRequest'];
      };
    };
    responses: {
      /** @description The decision with every rule's verdict. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Explanation'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminDisableAll: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: components['responses']['GlobalState'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminEnableAll: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: components['responses']['GlobalState'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminDisableKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        label: components['parameters']['Label'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: components['responses']['KeyState'];
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminEnableKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        label: components['parameters']['Label'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: components['responses']['KeyState'];
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminListPolicies: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One snapshot per key. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PolicySnapshot'][];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminGetPolicyOverlay: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        label: components['parameters']['Label'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: components['responses']['Overlay'];
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminDeletePolicyOverlay: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        label: components['parameters']['Label'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: components['responses']['Overlay'];
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminPatchPolicyOverlay: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        label: components['parameters']['Label'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PolicyOverlay'];
      };
    };
    responses: {
      200: components['responses']['Overlay'];
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminReload: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The new config is active. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            reloaded: boolean;
            keys: string[];
            /** @description Changed settings that apply only after a restart (listener, limits, audit, state, replay, backend, plugins). */
            restart_required: string[];
          };
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  getMetrics: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Prometheus text format. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'text/plain': string;
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  getOpenApi: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OpenAPI 3.1 document. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': Record<string, unknown>;
        };
      };
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  gatewayRead: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description A contract registered with the gateway ([gateway.contracts.<name>] or POST /admin/gateway/contracts). */
        contract: components['parameters']['GatewayContract'];
        /** @description A function name, or its signature when overloaded (`transfer(address,uint256)`). */
        method: components['parameters']['GatewayMethod'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The function's outputs by name, integers as decimal strings. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': Record<string, unknown>;
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      502: components['responses']['UpstreamRejected'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  gatewaySend: {
    parameters: {
      query?: {
        /** @description The signing key (label or address); or the x-openkms-from header. */
        'kld-from'?: string;
        sync?: boolean;
        /** @description true: read the function (eth_call) with the body as its arguments; nothing is signed. */
        call?: boolean;
      };
      header?: {
        'x-openkms-from'?: string;
      };
      path: {
        /** @description A contract registered with the gateway ([gateway.contracts.<name>] or POST /admin/gateway/contracts). */
        contract: components['parameters']['GatewayContract'];
        /** @description A function name, or its signature when overloaded (`transfer(address,uint256)`). */
        method: components['parameters']['GatewayMethod'];
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': Record<string, unknown> | unknown[];
      };
    };
    responses: {
      /** @description Sent (sync=true - mined). With call=true, the outputs by name. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GatewaySendResult'] | Record<string, unknown>;
        };
      };
      /** @description sync=true: sent, not mined within the wait (status pending). */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GatewaySendResult'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      429: components['responses']['TooManyRequests'];
      500: components['responses']['InternalError'];
      502: components['responses']['UpstreamRejected'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  gatewayContractOpenApi: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description A contract registered with the gateway ([gateway.contracts.<name>] or POST /admin/gateway/contracts). */
        contract: components['parameters']['GatewayContract'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The contract's OpenAPI 3.1 document. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': Record<string, unknown>;
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  gatewayReceipt: {
    parameters: {
      query?: {
        /** @description The network; optional when every registered contract is on one network. */
        network?: string;
      };
      header?: never;
      path: {
        hash: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The receipt (status success or reverted, block, gas used, decoded events; undecodable logs raw). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': Record<string, unknown>;
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      502: components['responses']['UpstreamRejected'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminListGatewayContracts: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every registered contract. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GatewayContract'][];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminRegisterGatewayContract: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['GatewayContractRegistration'];
      };
    };
    responses: {
      /** @description Replaced an admin-registered contract of that name. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GatewayContract'];
        };
      };
      /** @description Registered. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GatewayContract'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description The name is defined in the config file (conflict). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminRemoveGatewayContract: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Removed. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            name: string;
            removed: boolean;
          };
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description The contract is defined in the config file (conflict). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  getApproval: {
    parameters: {
      query?: {
        /** @description Long poll up to this many seconds (at most 60) for a decision. */
        wait?: number;
      };
      header?: never;
      path: {
        /** @description The approval id (`apv_` and 24 hex digits) from the 202 answer. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Approved and signed; the body is the chain's sign response. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': Record<string, unknown>;
        };
      };
      /** @description Still waiting for its approval. */
      202: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalPending'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description approval_expired: nobody approved it in time; its budget was released. */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminListApprovals: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The approvals. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Approval'][];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminGetApproval: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The approval id (`apv_` and 24 hex digits) from the 202 answer. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The approval. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Approval'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminApproveApproval: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The approval id (`apv_` and 24 hex digits) from the 202 answer. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The approval after this step. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Approval'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description approval_not_pending: already decided. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminDenyApproval: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The approval id (`apv_` and 24 hex digits) from the 202 answer. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The denied approval. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Approval'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description approval_not_pending: already decided. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  requestPairing: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PairingRequest'];
      };
    };
    responses: {
      /** @description Waiting for an operator; poll GET /pairing/{pairing_id}. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PairingCreated'];
        };
      };
      400: components['responses']['BadRequest'];
      /** @description pairing_not_found: pairing is disabled on this signer ([pairing] enabled = false). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      /** @description pairing_rate_limited: too many requests from this address or overall this minute, or too many pending pairings (details.limit: per_ip, overall, pending); Retry-After says when to try again. */
      429: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          /** @description Seconds to wait. */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  getPairing: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The pairing id (`pair_` and 32 hex digits) from POST /pairing. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Approved; the sealed token, delivered once (see SealedToken for the construction). */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PairingDelivery'];
        };
      };
      /** @description Still waiting for an operator. */
      202: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PairingPending'];
        };
      };
      /** @description pairing_denied: an operator denied it, or too many wrong codes were entered. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description pairing_not_found: no such pairing (or pairing is disabled). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description pairing_delivered: the token was already delivered (never twice); pairing_expired: not approved, or not fetched, in time (an unfetched token is revoked). */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminListPairings: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The pairings. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Pairing'][];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminGetPairing: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The pairing id (`pair_` and 32 hex digits). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The pairing. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Pairing'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminApprovePairing: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The pairing id (`pair_` and 32 hex digits). */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PairingApproval'];
      };
    };
    responses: {
      /** @description The approved pairing. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Pairing'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description pairing_not_pending: already decided; conflict: a token with the pairing's name exists. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminDenyPairing: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The pairing id (`pair_` and 32 hex digits). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The denied pairing. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Pairing'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description pairing_not_pending: already decided. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  whoAmI: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The token's name and scopes. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WhoAmI'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminAuditPage: {
    parameters: {
      query?: {
        label?: string;
        decision?: 'allow' | 'deny' | 'replay' | 'error' | 'auth_failure' | 'admin' | 'shed' | 'pending';
        /** @description The record's reason_code (an error code such as per_tx_cap_exceeded, or an admin action's code). */
        code?: string;
        /** @description Only records at or before this time (ISO 8601). */
        until?: string;
        /** @description Only records with a seq below this (the previous page's next_before). */
        before?: number;
        /** @description Most records returned (default 50). */
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The page. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          ETag: components['headers']['ETag'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AuditPage'];
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  adminActivity: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One entry per minute, oldest first. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          ETag: components['headers']['ETag'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Activity'];
        };
      };
      304: components['responses']['NotModified'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  getConsole: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The console's HTML page. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          /** @description default-src 'self'; script-src 'self'; style-src 'self'; … frame-ancestors 'none'; require-trusted-types-for 'script'. */
          'Content-Security-Policy'?: string;
          [name: string]: unknown;
        };
        content: {
          'text/html': string;
        };
      };
      404: components['responses']['NotFound'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  mcp: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, unknown>;
      };
    };
    responses: {
      /** @description The JSON-RPC response to the request. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': Record<string, unknown>;
        };
      };
      /** @description A notification or response was accepted (nothing to answer). */
      202: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description The Accept header does not list both application/json and text/event-stream (a JSON-RPC error). */
      406: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': Record<string, unknown>;
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  sign_cosmos: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SignRequest.cosmos'];
      };
    };
    responses: {
      /** @description Policy passed; the key backend signed; the audit record is durable. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SignResponse.cosmos'];
        };
      };
      /** @description Policy passed, but the request meets a condition of the key's approval table: it is held (its budget reserved) until an operator approves it. Poll GET /approvals/{approval_id}. */
      202: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalPending'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      429: components['responses']['TooManyRequests'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  sign_evm: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SignRequest.evm'];
      };
    };
    responses: {
      /** @description Policy passed; the key backend signed; the audit record is durable. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SignResponse.evm'];
        };
      };
      /** @description Policy passed, but the request meets a condition of the key's approval table: it is held (its budget reserved) until an operator approves it. Poll GET /approvals/{approval_id}. */
      202: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalPending'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      429: components['responses']['TooManyRequests'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  rpc_evm: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description A configured network of this chain. */
        network: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['JsonRpcRequestBody'];
      };
    };
    responses: {
      /** @description The reply (an array of replies for a batch, in order; notifications get none). A failed call is a JSON-RPC error. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['JsonRpcResponseBody'];
        };
      };
      /** @description Every call of the request was a notification (no id): nothing to answer. */
      204: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not JSON (-32700, malformed_json), or an empty or too large batch (-32600, invalid_request); id null. */
      400: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['JsonRpcResponseBody'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No network of this chain with that name (not_found; id null). */
      404: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['JsonRpcResponseBody'];
        };
      };
      /** @description The body exceeds server.max_body_bytes (payload_too_large, -32600); id null. */
      413: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['JsonRpcResponseBody'];
        };
      };
      /** @description Not application/json (unsupported_media_type, -32600); id null. */
      415: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['JsonRpcResponseBody'];
        };
      };
      429: components['responses']['TooManyRequests'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  sign_solana: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SignRequest.solana'];
      };
    };
    responses: {
      /** @description Policy passed; the key backend signed; the audit record is durable. */
      200: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SignResponse.solana'];
        };
      };
      /** @description Policy passed, but the request meets a condition of the key's approval table: it is held (its budget reserved) until an operator approves it. Poll GET /approvals/{approval_id}. */
      202: {
        headers: {
          'x-request-id': components['headers']['RequestId'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalPending'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      429: components['responses']['TooManyRequests'];
      500: components['responses']['InternalError'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
}
