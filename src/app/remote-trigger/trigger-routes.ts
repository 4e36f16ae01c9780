// Remote Trigger profile (OCPP 1.6 section 5.17): TriggerMessage answers from the registry of
// what each feature can send on request, and sends it once the answer went (the message
// follows the TriggerMessage.conf, as the spec's sequence diagram has it).
import { Routes } from '../routes';
import { Triggers } from './triggers';

export function remoteTriggerRoutes(triggers: Triggers): Routes {
  return {
    TriggerMessage: {
      on: (p) => ({ status: triggers.status(p.requestedMessage, p.connectorId, false) }),
      after: (p, response) => {
        if (response.status === 'Accepted') triggers.send(p.requestedMessage, p.connectorId, false);
      },
    },
  };
}
