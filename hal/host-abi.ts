// The host ABI: the one global object, `ocppHost`, that a host must provide before it
// evaluates the bundle. Two hosts implement it: the Node simulator host (sim/host.mjs,
// QuickJS via quickjs-emscripten) and the native firmware shim (firmware-shim/, C with
// QuickJS); the QuickJS test runner has a third, fake one (test/lib/fake-host.ts).
//
// Rules every host follows (README, "Host ABI"):
// - Strings cross the boundary as UTF-8 text; structured values as JSON text, so a C
//   host needs no object marshalling beyond calling a function.
// - Callbacks given to the host are called from the host's single event loop, never
//   re-entrantly from inside a host function, and after each callback the host runs the
//   pending promise jobs (JS_ExecutePendingJob until empty).
// - Nothing here blocks: a call that needs the network returns at once and reports
//   through its callbacks.
// Version 1. Additions are optional members, detected with `typeof ocppHost.x`.

/** Callbacks of one websocket (ECMA-419 style: a small host object with callbacks). */
export interface HostSocketCallbacks {
  /** Connected; `protocol` is the subprotocol the server selected ("" if none). */
  onopen(protocol: string): void;
  /** One text frame. */
  onmessage(text: string): void;
  /** Closed (by either side or by the network). Called once; the handle is then dead. */
  onclose(code: number, reason: string): void;
  /** An error (connect failure, TLS failure, ...). onclose follows. */
  onerror(message: string): void;
}

/** Options of ocppHost.wsOpen, passed as JSON text. */
export interface HostSocketOptions {
  /** Sec-WebSocket-Protocol offers, e.g. ["ocpp1.6"]. */
  protocols: string[];
  /** Extra request headers, e.g. { Authorization: "Basic ..." }. */
  headers?: { [name: string]: string };
  /** PEM text of the CA(s) the server certificate must chain to (wss only). */
  ca?: string;
  /** PEM text of the client certificate and its private key (security profile 3). */
  cert?: string;
  key?: string;
  /**
   * Optional (security extension): the id of a key pair the host made with
   * cryptoCreateCsr; the host uses its private key with `cert`. Hosts without HostCrypto
   * never get it.
   */
  keyId?: string;
}

/**
 * Callbacks of one transfer (optional members below): exactly one of them is called,
 * once, from the host's event loop.
 */
export interface HostTransferCallbacks {
  /** Done. `info` is JSON text: for a download { "size": bytes, "sha256": hex }, else "{}". */
  ondone(info: string): void;
  /** Failed: the network, an HTTP status, or the host's check of the file; a short reason. */
  onerror(message: string): void;
}

export interface HostABI {
  /** ABI version, 1. */
  readonly abi: number;
  /** Which host this is: "node-sim", "posix", "quectel", "fake". */
  readonly name: string;
  /**
   * Written by the bundle, not the host (optional): the settings keys (hal/settings.ts) the
   * bundle acts on, comma-separated, set while its top level runs (hal.declareSettings). A
   * host that turns flags into settings (the simulator) reports the flags the bundle does
   * not act on instead of passing them on silently; unset means "not declared".
   */
  settingsHonoured?: string;

  /** One log line. level: 10 debug, 20 info, 30 warning, 40 error (Python logging's). */
  log(level: number, text: string): void;

  // ---- optional members (log codes; detected with `typeof`, a host may lack them) -----------
  // A minified bundle built with log codes does not hold its log texts: the build writes them
  // into a dictionary file beside the bundle (README, "Log dictionary"), and a log call passes
  // the code of its text and its arguments, each already turned into text by the bundle (as
  // `+` does). A host without logCode gets the raw line through log() instead.

  /**
   * Optional. One log line given as the code of its text in the dictionary `logDictionary`
   * names, and the arguments its places take, as text: the host writes the same line log()
   * would have got. A host without that dictionary (none, or another build's), or whose
   * dictionary has no such code or another number of places, writes the raw line:
   * `log#<code>` and each argument as a JSON string, space-separated (`log#17 "CP-1" "3"`).
   */
  logCode?(level: number, code: number, ...args: string[]): void;
  /**
   * Written by the bundle, not the host (optional): the id of the log dictionary the bundle
   * was built with (the first field of the dictionary file's first line), set before its first
   * logCode call.
   */
  logDictionary?: string;

  /** Wall clock, milliseconds since 1970-01-01 UTC (may jump when the clock is set). */
  now(): number;
  /** Monotonic clock in milliseconds (never jumps; origin unspecified). */
  ticks(): number;
  /** One-shot timer: calls `callback` once after `ms`. Returns an id > 0. */
  timerStart(ms: number, callback: () => void): number;
  /** Cancels a timer; unknown or fired ids are ignored. */
  timerStop(id: number): void;

  /** The device's IMEI (15 digits). */
  imei(): string;
  /** The SIM's ICCID, or "" where the host has none. */
  iccid(): string;
  /** The station's settings as JSON text (see hal/settings.ts). */
  config(): string;

  /** Contents of a stored file, or null when it does not exist. Names: [A-Za-z0-9._-]. */
  fileRead(name: string): string | null;
  /** Replaces a file atomically and durably (temp file, fsync, rename). */
  fileWrite(name: string, data: string): boolean;
  /** Appends to a file durably (write, fsync). */
  fileAppend(name: string, data: string): boolean;
  /** Removes a file; true if it existed. */
  fileRemove(name: string): boolean;

  /** Opens a websocket client connection; options is HostSocketOptions as JSON. */
  wsOpen(url: string, options: string, callbacks: HostSocketCallbacks): number;
  /** Sends one text frame; false if the socket is not open. */
  wsSend(handle: number, text: string): boolean;
  /** Starts a close handshake; onclose follows. */
  wsClose(handle: number, code: number, reason: string): void;

  /** The program is done: the host ends it with this exit code (0 success). */
  exit(code: number): void;
  /** Reboot: the host drops this runtime and evaluates the bundle again; files stay. */
  restart(): void;

  // ---- optional members (Firmware Management, OCPP 1.6 section 3.12) ----------------------
  // A host may lack them; the bundle then answers the CSMS with DownloadFailed /
  // UploadFailed and logs why. Detect them with `typeof ocppHost.firmwareDownload`.

  /**
   * Optional. Downloads a new firmware image from `url` (http or https on the simulator; what
   * the module's SDK can fetch on a module) into the host's staging area, and checks it
   * (the simulator: HTTP 200, not empty, a script QuickJS compiles). The running bundle is
   * not touched.
   */
  firmwareDownload?(url: string, callbacks: HostTransferCallbacks): void;
  /**
   * Optional. Makes the staged image the one the next restart() evaluates (on a module: writes
   * it over the bundle file). onerror when nothing is staged or the write failed.
   */
  firmwareInstall?(callbacks: HostTransferCallbacks): void;
  /**
   * Optional. Uploads `data` (text) as `fileName` to the directory URL `location` (GetDiagnostics;
   * the simulator: HTTP PUT to location + "/" + fileName).
   */
  diagnosticsUpload?(location: string, fileName: string, data: string, callbacks: HostTransferCallbacks): void;
  /**
   * Optional, security extension (SignedUpdateFirmware): checks the staged image (the last
   * firmwareDownload) against `signature` (base64) with the public key of
   * `signingCertificate` (PEM): ECDSA or RSA over SHA-256 of the image's bytes. The bundle
   * checks the certificate itself (cryptoVerifyChain against the ManufacturerRootCertificates);
   * the image never enters the bundle. ondone("{}") when the signature is good, onerror(why)
   * otherwise (no staged image, a malformed signature or certificate, a wrong signature).
   */
  firmwareVerifySignature?(signingCertificate: string, signature: string, callbacks: HostTransferCallbacks): void;
  /**
   * Optional (a host that installs with rollback): how this boot came about, as JSON
   * `{ "trial": boolean, "rolledBack": string }`. trial: this boot runs an image installed by
   * firmwareInstall that has not yet confirmed itself; rolledBack: why the last installed image
   * was given up ("" if it was not) — it crashed at load, or did not call firmwareConfirm within
   * the host's number of boots — and the previous image runs again. A host without it: an
   * installed image always runs.
   */
  firmwareState?(): string;
  /**
   * Optional, with firmwareState: the running image reached an Accepted BootNotification, so
   * it is the one to keep (a trial ends; the rollback record is cleared). Idempotent.
   */
  firmwareConfirm?(): void;

  // ---- optional member (parts; detected with `typeof`, a host may lack it) ------------------
  // A minified bundle may carry code it does not keep resident: parts, appended to the bundle
  // file after its own code and named in the file's last line (README, "Parts"). The host
  // evaluates only the bundle's own code at boot; a part when the bundle asks for it. A host
  // without the member runs a bundle without parts (dist/*.js, a `--parts none` build) as ever;
  // a bundle with parts then answers the CSMS's requests its parts serve with a CALLERROR.

  /**
   * Optional. Reads part `name` of the bundle file this boot evaluated (the installed firmware
   * image, or the bundle the host was started with) and evaluates it in the bundle's context,
   * as a script or bytecode like the bundle: returns its value (the part's exports object).
   * Nothing of it stays beyond what the bundle keeps of that value. Throws an Error saying why
   * when the file has no such part, cannot be read, or the part does not load (corrupt, out of
   * memory); never ends the station itself.
   */
  partLoad?(name: string): unknown;
  /**
   * Optional, with partLoad: the bundle holds nothing of part `name` any more. A part's code
   * (its classes, closures over its module scope) is reference cycles that reference counting
   * never frees, so once the callback and its promise jobs are done the host runs QuickJS's
   * cycle collection (JS_RunGC). A host without it (the simulator: quickjs-emscripten has no
   * call for it) leaves them to QuickJS's next automatic collection.
   */
  partRelease?(name: string): void;

  // ---- optional members (security extension; detected with `typeof`, a host may lack them) --

  /**
   * Optional, security extension (SignCertificate): makes a new key pair — the host keeps
   * its private key, which never enters the bundle — and a PKCS#10 CSR signed with it.
   * `request` is JSON `{ "subject": { "commonName": "...", "organizationName": "..." } }`;
   * the callback gets JSON `{ "csr": "<PEM>", "keyId": "..." }` or `{ "error": "..." }`.
   * The key is then usable as HostSocketOptions.keyId.
   */
  cryptoCreateCsr?(request: string, callback: (result: string) => void): void;
  /**
   * Optional, security extension: what the certificates in `pem` (one or more PEM blocks)
   * are, as JSON `{ "certificates": [CertificateInfo...] }` or `{ "error": "..." }` when the
   * text holds no well-formed certificate. Hashes use `hashAlgorithm` (SHA256, SHA384, SHA512).
   */
  cryptoCertificateInfo?(pem: string, hashAlgorithm: string): string;
  /**
   * Optional, security extension: checks the chain in `chain` (PEM, leaf first) now — each
   * certificate within its validity period and signed by the next, the last by one of
   * `trusted` (PEM) — and, when `keyId` is not "", that the leaf certifies that key pair.
   * JSON `{ "ok": true }` or `{ "ok": false, "error": "..." }`.
   */
  cryptoVerifyChain?(chain: string, trusted: string, keyId: string): string;

  // ---- optional members (the charger's IO; detected with `typeof`, a host may lack them) -----
  // How a charger maker's native code gives the flashed firmware its connectors, so that the
  // firmware runs unchanged on their charger (hal/host-hardware.ts adapts these to
  // hal/hardware.ts). Small and ECMA-419-like: inputs read as a state, outputs written one at
  // a time, one callback when an input changed. A host has all five or none; a host without
  // them runs the OCPP side with connectors that have no IO (never plugged, meter at 0).
  // Today: the native host's --hardware DIR (a folder of state files an IO daemon keeps,
  // port/posix/hardware.c), the simulator host's --hardware sim | DIR (sim/hardware.mjs), the
  // Quectel port's board functions (port/quectel/board.c), the fake host's FakeCharger.

  /**
   * Optional. The charger's connectors, connector 1 first, as JSON
   * `{ "connectors": [{ "maxCurrentA": 32, "cableLock": true }, ...] }`: the largest current
   * each offers, A (default 32), and whether it has a cable lock (default true; false: a fixed
   * cable or a socket without a lock). Read once per boot.
   */
  hardwareInfo?(): string;
  /**
   * Optional. The inputs of connector `connectorId` (1..n) now, as JSON `{ "plugged": bool,
   * "evRequestsEnergy": bool, "error": "NoError" | ChargePointErrorCode, "vendorErrorCode": "…",
   * "idTag": "…" }` (error and vendorErrorCode may be left out when there is no fault; idTag is
   * the card at the connector's RFID reader now, "" or left out when none: a new one is a
   * presentation, so a card held there again after it was taken away presents it again).
   */
  hardwareInputs?(connectorId: number): string;
  /**
   * Optional. The meter of connector `connectorId` now, as JSON `{ "energyWh": n, "powerW": n,
   * "currentA": n, "voltageV": n, "phases": 3, "socPercent": -1 }`: the register in Wh (never
   * goes down, survives power loss), power, current per phase, voltage phase to neutral,
   * phases wired and the EV's state of charge (-1 or left out when unknown).
   */
  hardwareMeter?(connectorId: number): string;
  /**
   * Optional. Sets one output of connector `connectorId`: `output` is JSON `{ "relay": bool }`
   * (the contactor closed: energy may flow), `{ "lock": bool }` (the cable lock) or
   * `{ "currentLimitA": n }` (the current offered to the EV, 0 = none). Returns JSON
   * `{ "ok": true }`, or `{ "ok": false, "error": "why" }` when it did not happen (the lock did
   * not move: ConnectorLockFailure).
   */
  hardwareWrite?(connectorId: number, output: string): string;
  /**
   * Optional. The bundle gives the host its listener, once per boot. The host calls
   * `onchange(connectorId)` from its event loop (never from inside a host function) after any
   * input of that connector changed (cable, EV request, fault); the bundle then reads
   * hardwareInputs. The meter needs no call: it is read when needed.
   */
  hardwareListen?(onchange: (connectorId: number) => void): void;

  // ---- optional members (simulator control; detected with `typeof`, a host may lack them) ----
  // The simulated hardware (src/sim/sim-hardware.ts) driven from outside: the simulator's control
  // API (README, "Control API"). A host without them has no control; the native shim may add
  // them later.

  /**
   * Optional. The bundle gives the host its control handler, once per boot. The host calls
   * `handler(request)` from its event loop (never from inside a host function), with
   * `request` JSON `{ "command": "...", ...arguments }`, and gets the reply JSON back at once:
   * `{ "ok": true, ... }`, or `{ "ok": false, "error": "why", "reason": "bad-request" |
   * "not-found" | "conflict" }`. The command has been applied to the simulated hardware when
   * the handler returns; the OCPP traffic it causes comes on later turns (after the host ran
   * the pending jobs). Commands: "state" (the reply carries registration, connected,
   * connectors[]), "plug-in" {connectorId, ev?}, "unplug" {connectorId, evSide?},
   * "present-id-tag" {idTag, connectorIds?} (the reply names connectorId), "ev-requests"
   * {connectorId, value}, "fault" {connectorId, errorCode, vendorErrorCode?}, "network"
   * {up} (the host cut or restored the sockets; up: the station connects now).
   */
  controlListen?(handler: (request: string) => string): void;
  /**
   * Optional, with controlListen. The station's state changed (a connector's status, the
   * connection, the registration): the host may ask for "state" on a later turn. Energy and
   * power change all the time without it.
   */
  controlChanged?(): void;
}

/** One certificate as cryptoCertificateInfo describes it (OCPP CertificateHashDataType and more). */
export interface CertificateInfo {
  /** Subject and issuer as text, e.g. "CN=CP-1, O=Example". */
  subject: string;
  issuer: string;
  /** Serial number, hexadecimal, lower case, no leading zeros. */
  serialNumber: string;
  /** Hex hashes of the issuer's DER name and of the issuer's public key (the key bits). */
  issuerNameHash: string;
  issuerKeyHash: string;
  /** Validity, ISO 8601. */
  notBefore: string;
  notAfter: string;
  /**
   * A CA certificate, as OpenSSL's X509_check_ca counts one: basic constraints CA, or a
   * self-signed X.509 v1 certificate (v1 has no extensions; such roots are trust anchors).
   */
  ca: boolean;
  selfSigned: boolean;
}

declare global {
  // eslint-disable-next-line no-var
  var ocppHost: HostABI;
}
