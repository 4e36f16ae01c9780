// The security extension's certificate operations as a part (src/lib/parts.ts): a bundle built
// with parts replaces this module by the part's name and carries them behind its own code;
// security-routes.ts opens it when such a CALL (or a SignChargePointCertificate trigger) comes.
import { definePart } from '../../lib/parts';
import { certificateRequests, CertificateRequestsContext } from './certificate-requests';

export const certificateRequestsPart = definePart('certificates', (context: CertificateRequestsContext) => certificateRequests(context));
