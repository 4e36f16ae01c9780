// Block M's actions and the certificate signing as a part (src/lib/parts.ts): a bundle built
// with parts replaces this module by the part's name and carries them behind its own code.
import { definePart } from '../../lib/parts';
import { openCertificateActions } from './certificate-actions';

export const certificateActionsPart = definePart('certificates-201', openCertificateActions);
