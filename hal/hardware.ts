// The charger's hardware as the station application sees it: per connector, the cable
// (plugged or not, what the EV asks for), the energy meter and the power electronics
// (relay, cable lock, the current limit offered to the EV).
//
// This is the boundary between the firmware and the charger's IO. The firmware
// (src/main.ts) has it from the host (hal/host-hardware.ts over the optional hardware
// members of hal/host-abi.ts: the charger maker's native code); the simulator and the tests
// use the simulated EV and meter of src/sim/sim-hardware.ts; a charger maker may also
// implement it in TypeScript in a station of their own. Nothing in src/app knows which one
// it has.
//
// Numbers are SI units OCPP uses: Wh, W, A, V.

/** OCPP 1.6 ChargePointErrorCode values the hardware can raise ('NoError' when fine). */
export type HardwareError =
  | 'NoError'
  | 'ConnectorLockFailure'
  | 'EVCommunicationError'
  | 'GroundFailure'
  | 'HighTemperature'
  | 'InternalError'
  | 'OverCurrentFailure'
  | 'OverVoltage'
  | 'PowerMeterFailure'
  | 'PowerSwitchFailure'
  | 'ReaderFailure'
  | 'UnderVoltage'
  | 'WeakSignal'
  | 'OtherError';

/** Every HardwareError value, for checking a code that comes from outside (a host, a control command). */
export const HARDWARE_ERRORS: HardwareError[] = [
  'NoError',
  'ConnectorLockFailure',
  'EVCommunicationError',
  'GroundFailure',
  'HighTemperature',
  'InternalError',
  'OverCurrentFailure',
  'OverVoltage',
  'PowerMeterFailure',
  'PowerSwitchFailure',
  'ReaderFailure',
  'UnderVoltage',
  'WeakSignal',
  'OtherError',
];

/** What happened at a connector; the station re-reads the state after each event. */
export type HardwareEvent = 'plugged' | 'unplugged' | 'evReady' | 'evSuspended' | 'fault' | 'faultCleared';

/** A snapshot of a connector's meter (what a MeterValues sample is built from). */
export interface MeterReading {
  /** Energy.Active.Import.Register, Wh (never goes down, survives power loss). */
  energyWh: number;
  /** Power.Active.Import, W. */
  powerW: number;
  /** Current.Import, A (per phase). */
  currentA: number;
  /** Voltage, V (phase to neutral). */
  voltageV: number;
  /** Current.Offered, A: the limit signalled to the EV. */
  offeredA: number;
  /** Phases wired (3 when absent): Power.Offered is offeredA × voltageV × phases. */
  phases?: number;
  /** SoC, percent, when the EV reports it (-1 when unknown). */
  socPercent: number;
}

export interface ConnectorHardware {
  /** Is an EV cable plugged in? */
  plugged(): boolean;
  /** Does the EV want energy now (false: the EV paused or is full → SuspendedEV)? */
  evRequestsEnergy(): boolean;
  /** The present fault, 'NoError' when none. */
  error(): HardwareError;
  /** Optional: the maker's own code of the present fault (StatusNotification vendorErrorCode, at most 50 characters). */
  vendorErrorCode?(): string;
  /** Reads the meter. */
  read(): MeterReading;
  /** Closes (energy may flow) or opens the contactor. */
  setRelay(closed: boolean): void;
  relayClosed(): boolean;
  /**
   * Does the connector have a cable lock? false: a fixed cable, or a socket without a lock
   * (setLock then does nothing; UnlockConnector answers NotSupported).
   */
  readonly hasCableLock: boolean;
  /** Locks or unlocks the cable; false when the lock did not move (ConnectorLockFailure). */
  setLock(locked: boolean): boolean;
  locked(): boolean;
  /** The current the EV may draw, A (0 = none; the maximum is maxCurrentA). */
  setCurrentLimit(amps: number): void;
  currentLimit(): number;
  readonly maxCurrentA: number;
}

export interface Hardware {
  /** Connectors 1..count. */
  readonly connectorCount: number;
  connector(id: number): ConnectorHardware;
  /** One listener for every connector's events (the station's). */
  onEvent: ((connectorId: number, event: HardwareEvent) => void) | null;
}
