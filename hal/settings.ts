// The station's settings, handed over by the host as JSON (ocppHost.config()): the
// simulator CLI's flags, or the firmware's configuration file on the module.
export interface Settings {
  /** CSMS websocket URL; the station id is appended as the last path segment. */
  url: string;
  /** Charge box identity. */
  id: string;
  /** Number of connectors (default 2). */
  connectors: number;
  /**
   * What the station does: "idle" serves the CSMS, "session" runs one charging session, "none"
   * has no simulated driver (only the control API and the CSMS act); "" = normal firmware.
   */
  scenario: string;
  /** idTag presented by the simulated driver. */
  idTag: string;
  /** Seconds to run ("idle"), 0 = forever. */
  duration: number;
  /** Basic-auth password (AuthorizationKey) for security profiles 1 and 2. */
  password: string;
  /** PEM text of the CA, client certificate and key (TLS). */
  ca: string;
  cert: string;
  key: string;
  /**
   * OCPP security profile to connect with (0–3, security whitepaper): the initial value of
   * the SecurityProfile key. -1 (default): from the other settings — a client certificate
   * on wss → 3, a password → 2 on wss, 1 on ws; else 0.
   */
  securityProfile: number;
  logLevel: string;
  /** Identification sent in BootNotification. */
  vendor: string;
  model: string;
  firmwareVersion: string;
  /**
   * Connection attempts before the station gives up and exits non-zero, counted until the
   * first connection. 0: the default — forever (the 1.6 simulator's scenarios make it 5,
   * src/sim/scenario-settings.ts).
   */
  maxConnectAttempts: number;
  /** Longest wait between reconnect attempts, seconds (default 60). */
  reconnectMaxSeconds: number;
  /** Initial values of OCPP configuration keys, e.g. { "MeterValueSampleInterval": 5 }; the CSMS's changes win. */
  configuration: { [key: string]: unknown };
  /**
   * Built-in feature profiles not to serve, comma-separated OCPP names ("Reservation,SmartCharging"):
   * their actions answer NotSupported, their keys are unknown, SupportedFeatureProfiles leaves them out.
   */
  disabledFeatureProfiles: string;
  // ---- the simulated hardware (src/sim/sim-hardware.ts), the same for every connector ----
  /** Largest current a connector offers, A (default 32). */
  maxCurrentA: number;
  /** Has each connector a cable lock (default true)? false: a fixed cable or a socket without a lock (UnlockConnector: NotSupported). */
  cableLock: boolean;
  /** Phases wired (default 3) and their voltage, V phase to neutral (default 230). */
  phases: number;
  voltageV: number;
  /** The EV a plug-in brings unless it says otherwise: { maxCurrentA: 16, batteryWh: 40000, socPercent: 30 }. */
  ev: { maxCurrentA?: number; batteryWh?: number; socPercent?: number };
  /** Accept DataTransfer vendorId "org.openocpp.sim" from the CSMS as simulator control (default false). */
  simDataTransfer: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  url: '',
  id: '',
  connectors: 2,
  scenario: '',
  idTag: 'DEMO-TAG',
  duration: 0,
  password: '',
  ca: '',
  cert: '',
  key: '',
  securityProfile: -1,
  logLevel: 'info',
  vendor: 'OpenOCPP',
  model: 'QuickJS-CP',
  firmwareVersion: '0.1.0',
  maxConnectAttempts: 0,
  reconnectMaxSeconds: 60,
  configuration: {},
  disabledFeatureProfiles: '',
  maxCurrentA: 32,
  cableLock: true,
  phases: 3,
  voltageV: 230,
  ev: {},
  simDataTransfer: false,
};

export function parseSettings(json: string): Settings {
  let given: { [k: string]: unknown } = {};
  try {
    const parsed = JSON.parse(json || '{}');
    if (parsed && typeof parsed === 'object') given = parsed;
  } catch (e) {
    // Bad settings text: run with the defaults rather than not boot at all.
  }
  const out: { [k: string]: unknown } = {};
  const defaults = DEFAULT_SETTINGS as unknown as { [k: string]: unknown };
  for (const k in defaults) {
    const v = given[k];
    out[k] = v !== undefined && v !== null && typeof v === typeof defaults[k] ? v : defaults[k];
  }
  return out as unknown as Settings;
}
