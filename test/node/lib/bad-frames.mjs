// Frames a CSMS should never send, and what the OCPP core answers each with: the right
// CALLERROR for every frame that has an id to answer to, nothing for a result nobody asked
// for. The simulator test checks the answers; the native-host test checks both hosts agree.

const FRAME_ERRORS = ['FormationViolation', 'ProtocolError'];

/** A CALLERROR description is at most this long (src/ocpp/errors.ts MAX_DESCRIPTION_LENGTH). */
export const MAX_DESCRIPTION_LENGTH = 255;

/** { frame, ids: unique ids it may be answered with (none: no answer), codes: error codes allowed } */
export const BAD_FRAMES = [
  ['this is not json', ['-1'], FRAME_ERRORS],
  ['{"not":"an array"}', ['-1'], FRAME_ERRORS],
  ['[2,"bad-1","NoSuchAction",{}]', ['bad-1'], ['NotImplemented']],
  ['[2,"bad-2","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]', ['bad-2'], ['NotSupported']],
  ['[2,"bad-3","ChangeAvailability",{}]', ['bad-3'], ['OccurenceConstraintViolation']],
  ['[2,"bad-4","ChangeAvailability",{"connectorId":"one","type":"Inoperative"}]', ['bad-4'], ['TypeConstraintViolation']],
  ['[2,"bad-5","ChangeAvailability",{"connectorId":1,"type":"Sideways"}]', ['bad-5'], ['PropertyConstraintViolation']],
  ['[2,"bad-6","Reset",{"type":"Soft","when":"now"}]', ['bad-6'], ['PropertyConstraintViolation']],
  ['[2,"bad-7","GetConfiguration",{"key":"not an array"}]', ['bad-7'], ['TypeConstraintViolation']],
  ['[2,"bad-8","Reset",["Soft"]]', ['bad-8'], ['FormationViolation']],
  ['[2,"bad-9","Reset"]', ['bad-9'], FRAME_ERRORS],
  ['[2,42,"Heartbeat",{}]', ['-1', '42'], FRAME_ERRORS],
  ['[9,"bad-10","Reset",{"type":"Soft"}]', ['bad-10'], FRAME_ERRORS],
  // Hostile frames: nesting thousands deep, over the size cap, foreign text of 64 KB,
  // an integer beyond 2^53 (refused before the station stores or echoes it).
  ['['.repeat(10000) + ']'.repeat(10000), ['-1'], ['FormationViolation']],
  ['[2,"bad-11","DataTransfer",{"vendorId":"V","data":' + '['.repeat(30000) + ']'.repeat(30000) + '}]', ['bad-11'], ['FormationViolation']],
  ['[2,"bad-12","DataTransfer",{"vendorId":"V","data":"' + 'x'.repeat(70000) + '"}]', ['bad-12'], ['FormationViolation']],
  ['[2,"bad-13","' + 'A'.repeat(65000) + '",{}]', ['bad-13'], ['NotImplemented']],
  ['[2,"bad-14","GetCompositeSchedule",{"connectorId":1,"duration":99999999999999999999999}]', ['bad-14'], ['PropertyConstraintViolation']],
  ['[3,"no-such-call",{}]', [], []],
  ['[4,"no-such-call","GenericError","",{}]', [], []],
].map(([frame, ids, codes]) => ({ frame, ids, codes }));

/**
 * A bundle for the hosts' stack limits, which the core's pre-check keeps frames away from:
 * JSON nested 200,000 deep and an endless recursion, at load and in a timer callback.
 */
export const DEEP_GUEST = `function say(t) { ocppHost.log(20, String(t)); }
   var deep = new Array(200001).join('[');
   function attempt(when) {
     try { JSON.parse(deep); say(when + ' parsed'); } catch (e) { say(when + ' JSON.parse: ' + e.name + ': ' + e.message); }
     var n = 0;
     function down() { n++; down(); }
     try { down(); } catch (e) { say(when + ' recursion: ' + e.name + ': ' + e.message + (n > 50 ? '' : ' after only ' + n + ' calls')); }
   }
   attempt('load');
   ocppHost.timerStart(1, function () { attempt('timer'); ocppHost.exit(0); });`;

/** What DEEP_GUEST says when the stack limit fires inside QuickJS every time. */
export const DEEP_GUEST_SAYS = ['load', 'timer'].flatMap((when) => [`${when} JSON.parse: SyntaxError: stack overflow`, `${when} recursion: InternalError: stack overflow`]);
