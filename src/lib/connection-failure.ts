// Why a connection attempt failed, as far as security goes, from the host's words for it (an
// HTTP status of the websocket upgrade, the TLS stack's error): the station's credentials
// refused by the CSMS, or the CSMS's certificate refused by the station. Both OCPP versions
// turn it into their security event (1.6: FailedToAuthenticateAtCentralSystem /
// InvalidCentralSystemCertificate; 2.0.1: FailedToAuthenticateAtCsms / InvalidCsmsCertificate).

export type ConnectionFailure = 'credentialsRefused' | 'serverCertificateInvalid' | null;

/** `profile`: the security profile of the attempt (a certificate is only checked from 2 on). */
export function connectionFailure(reason: string, profile: number): ConnectionFailure {
  if (profile < 1 || !reason) return null;
  // A TLS alert is the CSMS refusing the station's certificate; other certificate errors are the station refusing the CSMS's.
  if (/\b(401|403)\b|unauthori[sz]ed|forbidden|alert/i.test(reason)) return 'credentialsRefused';
  if (profile >= 2 && /certificate|cert_|self[- ]signed|issuer|verify/i.test(reason)) return 'serverCertificateInvalid';
  return null;
}
