// Network connection profiles (B09, B10): the slots the CSMS fills with SetNetworkProfile,
// the order NetworkConfigurationPriority gives them (read at boot, B10.FR.04), and which
// profile the next connection attempt uses — NetworkProfileConnectionAttempts per entry
// (B10.FR.03), then the one that last connected (B10.FR.07). Slot 0 is the settings' own
// CSMS (url, password, certificates), which needs no SetNetworkProfile.
//
// A new BasicAuthPassword (A01) is tried at once: the station answers, reconnects with it and
// keeps the previous one (`password-trial.json`) until a connection with the new one opened;
// after TRIAL_ATTEMPTS attempts that did not, it goes back to the previous one.
import { Hal } from '../../../hal/index';
import { connectionFor, impliedProfile } from '../../app/core/connection';
import { NetworkConnectionProfile, SetNetworkProfileRequest, SetNetworkProfileResponse } from '../../ocpp/v201/generated/types';
import { DeviceModel } from '../device-model/model';
import { TlsCredentials } from '../context';

const FILE = 'network-profiles.json';
const LAST_GOOD_FILE = 'network-profile-last.txt';
const SLOTS = '0,1,2';
const PRIORITY = 'OCPPCommCtrlr/NetworkConfigurationPriority';
const ATTEMPTS = 'OCPPCommCtrlr/NetworkProfileConnectionAttempts';
const SECURITY_PROFILE = 'SecurityCtrlr/SecurityProfile';
const PASSWORD = 'SecurityCtrlr/BasicAuthPassword';
const TRIAL_FILE = 'password-trial.json';
/** Connection attempts with a new password before the station falls back to the previous one. */
const TRIAL_ATTEMPTS = 3;
/** Wait between the answer to a new password and the reconnect, so the answer reaches the CSMS. */
const RECONNECT_DELAY_MS = 1000;

export interface ConnectionTarget {
  url: string;
  options: { protocols: string[]; headers?: { [name: string]: string }; ca?: string; cert?: string; key?: string };
  slot: number;
  /** The security profile this attempt uses. */
  securityProfile: number;
}

export class NetworkProfiles {
  private readonly profiles: { [slot: string]: NetworkConnectionProfile };
  /** The order of this boot (a change of the variable applies after a reboot, B10.FR.04). */
  private readonly order: number[];
  private index = 0;
  private failures = 0;
  private lastGood: number;
  /** A new password on trial: the failed attempts with it (null: none on trial). */
  private trialFailures: number | null = null;
  /** The password to go back to while a new one is on trial (one that connected, or the first). */
  private previousPassword = '';
  /** The password in effect (what BasicAuthPassword held before a change). */
  private password: string;
  private reverting = false;

  constructor(
    private readonly hal: Hal,
    private readonly model: DeviceModel,
    private readonly reconnect: (why: string) => void,
    /** Told of a change of a security parameter (the security log's, A01.FR.11). */
    private readonly securityChanged: (what: string) => void,
    /** The CAs and the client certificate of the next connection. */
    private readonly tls: () => TlsCredentials
  ) {
    let profiles: { [slot: string]: NetworkConnectionProfile } = {};
    try {
      profiles = JSON.parse(hal.storage.get(FILE) || '{}');
    } catch (e) {
      hal.log.warning('network profiles unreadable: the settings\' CSMS only');
    }
    this.profiles = profiles;
    const s = hal.settings;
    const own = s.securityProfile >= 0 ? s.securityProfile : impliedProfile(s.url, s.password, s.cert, s.key);
    model.add('OCPPCommCtrlr', [
      // B10.FR.01-02: every slot named must hold a profile; the new order is used after a reboot.
      { name: 'NetworkConfigurationPriority', type: 'SequenceList', mutability: 'ReadWrite', value: '0', values: SLOTS, reboot: true, check: (v) => this.missingSlot(v) },
      { name: 'NetworkProfileConnectionAttempts', type: 'integer', mutability: 'ReadWrite', value: '3', min: 1 },
      { name: 'ActiveNetworkProfile', type: 'string', read: () => String(this.current()) },
      { name: 'MessageTimeout', instance: 'Default', type: 'integer', unit: 's', value: '30', constant: true },
    ]);
    model.add('SecurityCtrlr', [
      { name: 'SecurityProfile', type: 'integer', value: String(own), min: 0, max: 3 },
      { name: 'Identity', type: 'string', value: s.id, constant: true },
      { name: 'OrganizationName', type: 'string', mutability: 'ReadWrite', value: s.vendor, max: 64 },
      // Stored as it is (A01.FR.10), never reported (WriteOnly) nor logged (A01.FR.12).
      { name: 'BasicAuthPassword', type: 'string', mutability: 'WriteOnly', value: s.password, max: 40, changed: () => this.tryPassword() },
    ]);
    this.password = model.get(PASSWORD);
    const trial = hal.storage.get(TRIAL_FILE);
    if (trial !== null) {
      // A reboot during a trial: it goes on (the previous password is still the fallback).
      this.previousPassword = trial;
      this.trialFailures = 0;
    }
    this.order = model
      .get(PRIORITY)
      .split(',')
      .map((x) => parseInt(x, 10))
      .filter((slot) => slot === 0 || !!this.profiles[slot]);
    if (!this.order.length) this.order.push(0);
    const last = parseInt(hal.storage.get(LAST_GOOD_FILE) || '', 10);
    this.lastGood = isNaN(last) ? this.order[0] : last;
  }

  /** The slot the next attempt uses. */
  current(): number {
    return this.index < this.order.length ? this.order[this.index] : this.lastGood;
  }

  /** Where and how to connect now. */
  target(): ConnectionTarget {
    const s = this.hal.settings;
    const slot = this.current();
    const p = slot === 0 ? null : this.profiles[slot];
    const profile = p ? p.securityProfile : this.model.getInt(SECURITY_PROFILE);
    const base = p ? p.ocppCsmsUrl : s.url;
    const tls = this.tls();
    const client = tls.clientCertificate();
    const t = connectionFor(base, encodeURIComponent(s.id), {
      profile,
      authorizationKey: this.password,
      trustedCas: tls.trustedCas(),
      clientCert: client.cert,
      clientKey: client.key,
      clientKeyId: client.keyId,
    });
    t.options.protocols = ['ocpp2.0.1'];
    return { url: t.url, options: t.options as ConnectionTarget['options'], slot, securityProfile: profile };
  }

  /** A connection worked: the slot is the one to fall back to (B10.FR.07). */
  connected(): void {
    this.failures = 0;
    if (this.trialFailures !== null) {
      this.trialFailures = null;
      this.hal.storage.remove(TRIAL_FILE);
      this.hal.log.info('the new BasicAuthPassword works: kept');
    }
    const slot = this.current();
    if (slot !== this.lastGood) this.hal.storage.set(LAST_GOOD_FILE, String(slot));
    this.lastGood = slot;
    // Connected with a higher security profile: that is the station's profile now (A05.FR.06).
    const p = this.profiles[slot];
    if (p && p.securityProfile > this.model.getInt(SECURITY_PROFILE)) {
      this.model.put(SECURITY_PROFILE, String(p.securityProfile));
      this.securityChanged('SecurityProfile ' + p.securityProfile + ' (network profile ' + slot + ')');
    }
  }

  /** An attempt failed: after NetworkProfileConnectionAttempts the next entry (B10.FR.03), at the end the last good one. */
  failed(): void {
    if (this.trialFailures !== null && ++this.trialFailures >= TRIAL_ATTEMPTS) {
      this.trialFailures = null;
      this.reverting = true;
      try {
        this.model.put(PASSWORD, this.previousPassword);
      } finally {
        this.reverting = false;
      }
      this.password = this.previousPassword;
      this.hal.storage.remove(TRIAL_FILE);
      this.hal.log.warning('the new BasicAuthPassword did not connect in ' + TRIAL_ATTEMPTS + ' attempts: back to the previous one');
      this.securityChanged('BasicAuthPassword: back to the previous one');
    }
    if (this.index >= this.order.length) return;
    if (++this.failures < Math.max(1, this.model.getInt(ATTEMPTS))) return;
    this.failures = 0;
    this.index++;
    this.hal.log.info('network profile: ' + (this.index < this.order.length ? 'trying slot ' + this.current() : 'back to slot ' + this.lastGood + ', the last that connected'));
  }

  /** SetNetworkProfile (B09): validated, stored, used from the next boot on. */
  set(request: SetNetworkProfileRequest): SetNetworkProfileResponse {
    const slot = request.configurationSlot;
    const p = request.connectionData;
    const reject = (why: string): SetNetworkProfileResponse => ({ status: 'Rejected', statusInfo: { reasonCode: 'InvalidProfile', additionalInfo: why } });
    if (SLOTS.split(',').indexOf(String(slot)) < 0 || slot === 0) return reject('slot ' + slot + ' is not one of ' + SLOTS.substring(2)); // B09.FR.05; slot 0 is the settings'
    if (p.securityProfile < this.model.getInt(SECURITY_PROFILE)) return reject('security profile lower than SecurityProfile'); // B09.FR.04
    if (p.securityProfile > 3) return reject('no security profile ' + p.securityProfile);
    // B09.FR.02: what this station can use: OCPP 2.0(.1) over JSON, a websocket URL, TLS for profiles 2 and 3.
    if (p.ocppVersion !== 'OCPP20' || p.ocppTransport !== 'JSON') return reject('only OCPP20 over JSON');
    if (!/^wss?:\/\/[^/]/i.test(p.ocppCsmsUrl)) return reject('not a ws:// or wss:// URL');
    if (p.securityProfile >= 2 && !/^wss:/i.test(p.ocppCsmsUrl)) return reject('security profile ' + p.securityProfile + ' needs wss://');
    this.profiles[slot] = p;
    this.hal.storage.set(FILE, JSON.stringify(this.profiles)); // B09.FR.01
    return { status: 'Accepted' };
  }

  /** The CSMS set a new BasicAuthPassword (A01.FR.02-03): used from now on, the previous one kept until it works. */
  private tryPassword(): void {
    if (this.reverting) return;
    if (this.trialFailures === null) {
      // Not while one is on trial already: the fallback stays a password that worked.
      this.previousPassword = this.password;
      this.hal.storage.set(TRIAL_FILE, this.previousPassword);
    }
    this.trialFailures = 0;
    this.password = this.model.get(PASSWORD);
    this.securityChanged('BasicAuthPassword'); // A01.FR.11; never its value (A01.FR.12)
    const profile = this.model.getInt(SECURITY_PROFILE);
    this.hal.log.info('BasicAuthPassword changed' + (profile === 1 || profile === 2 ? ': reconnecting' : ''));
    if (profile === 1 || profile === 2) this.hal.setTimeout(() => this.reconnect('new BasicAuthPassword'), RECONNECT_DELAY_MS);
  }

  private missingSlot(value: string): string | null {
    if (!value) return 'no slot';
    const slots = value.split(',');
    const current = this.model.getInt(SECURITY_PROFILE);
    for (let i = 0; i < slots.length; i++) {
      if (slots[i] === '0') continue;
      const p = this.profiles[slots[i]];
      if (!p) return 'slot ' + slots[i] + ' holds no network profile';
      // A higher security profile needs what it connects with: a CSMSRootCertificate (A05.FR.02), for 3 a ChargingStationCertificate (A05.FR.03).
      if (p.securityProfile <= current) continue;
      const tls = this.tls();
      if (p.securityProfile >= 2 && !tls.trustedCas()) return 'slot ' + slots[i] + ': security profile ' + p.securityProfile + ' without a CSMSRootCertificate';
      if (p.securityProfile === 3 && !tls.clientCertificate().cert) return 'slot ' + slots[i] + ': security profile 3 without a ChargingStationCertificate';
    }
    return null;
  }
}
