// What a feature is to the 2.0.1 station: a functional block beyond its core (one folder
// each: security/, certificates/, local-auth-list/, authorization/, meter-values/,
// remote-control/, firmware/, diagnostics/, data-transfer/), whose feature.ts exports it. The
// core is the station itself (the session, B's provisioning, G's availability, the device
// model) and E's transactions; the boot (src/boot-station-201.ts) installs the features it
// is given (built-in-features.ts, which the build's --features cuts down) in their order,
// those that the transactions build on before them. A feature left out has no routes (its
// actions answer NotSupported), no variables and no timers; what builds on it takes its
// absence (without the local list the authorization has none, without the authorization the
// transactions accept every idToken, without block A its security events are logged only).
import { StationContext } from './context';
import { Security } from './security/security';
import { CertificateStore } from './certificates/certificates';
import { LocalAuthList } from './local-auth-list/local-auth-list';
import { AuthorizationFeature } from './authorization/authorization';
import { TransactionsFeature } from './transactions/transactions';

/** What the installed features give the others (absent: not installed). */
export interface FeatureParts {
  security?: Security;
  certificates?: CertificateStore;
  list?: LocalAuthList;
  authorizer?: AuthorizationFeature;
  /** The core's: set once the transactions are built, before the features installed after them. */
  transactions?: TransactionsFeature;
}

export interface StationFeature201 {
  /** Its folder, the name --features and the README use ('local-auth-list'). */
  readonly name: string;
  /** Installed before the transactions (what they build on), not after them. */
  readonly beforeTransactions?: boolean;
  /** Builds it on the station (once, before it starts); puts what others use in `parts`. */
  install(station: StationContext, parts: FeatureParts): void;
}
