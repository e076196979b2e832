//! The fleet simulation: devices, their connection timelines, background traffic and injected scenarios.
//!
//! Phase 1 plays every device's connection life (initial connect, SDK token renewals, scripted interruptions)
//! and records when it is online. Phase 2 adds operations that need the device to be online or offline at the
//! time (twin/method traffic, telemetry errors, C2D, file uploads). Then records are ordered, duplicated,
//! jittered and some delivered late. Every scenario record credits a truth slot, so the truth is exactly what
//! was emitted.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::rng::{Rng, mix};
use crate::{
    Category, Config, Event, Fleet, Kind, Level, MessageInfo, Operation, Protocol, Truth, code_name,
};

const SEC: i64 = 1000;
const MIN: i64 = 60 * SEC;
const HOUR: i64 = 60 * MIN;

/// Delivery delay of a late record: 10 to 90 minutes, past any reader's few-minute reorder window.
const LATE_MIN: i64 = 10 * MIN;
const LATE_MAX: i64 = 90 * MIN;
/// Stream of the lateness draws (see `finish`).
const LATE_STREAM: u64 = 0x1A7E;
/// Seeds of the hubs after the first: the config's seed mixed with this plus the hub's index.
const HUB_STREAM: u64 = 0x4855_4200;
/// Stream of the duplicate and jitter draws of a fleet of several hubs (one hub continues its own stream).
const DELIVERY_STREAM: u64 = 0xDE11;
/// Most hubs in one fleet.
const MAX_HUBS: usize = 1 << 16;

/// `sdkVersion` of service-side calls (twin reads, direct methods): the service API version.
const SERVICE_API: &str = "2021-04-12";

const PREFIXES: [&str; 12] = [
    "thermo", "pump", "meter", "camera", "gw-eu", "kiosk", "logger", "valve", "door", "sensor", "hvac",
    "tracker",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sdk {
    DotNet,
    Java,
    Node,
    C,
    Python,
}

impl Sdk {
    fn versions(self) -> &'static [&'static str] {
        match self {
            Sdk::DotNet => &[
                ".NET/1.42.3 (.NET 6.0.25; Linux 5.15.0-1057-azure #65-Ubuntu SMP; X64; {7D1C5E2A-3B4F-4A6E-9C8D-1E2F3A4B5C6D})",
                ".NET/1.42.3 (.NET 8.0.4; Microsoft Windows 10.0.20348; X64; {2B8E4F61-0C3D-4A9B-8E7F-6D5C4B3A2910})",
            ],
            Sdk::Java => &[
                "com.microsoft.azure.sdk.iot.iot-device-client/2.1.0 (Java 17.0.9; Linux 5.15.0-1057-azure; amd64)",
                "com.microsoft.azure.sdk.iot.iot-device-client/2.1.0 (Java 11.0.21; Linux 6.1.0-18-arm64; aarch64)",
            ],
            Sdk::Node => &[
                "azure-iot-device/1.18.2 (node v18.19.0; Linux 6.1.0-18-arm64; arm64)",
                "azure-iot-device/1.18.2 (node v20.11.1; Linux 5.15.0-1057-azure; x64)",
            ],
            Sdk::C => &[
                "iothubclient/1.11.0 (native; Linux; x86_64)",
                "iothubclient/1.11.0 (native; Linux; armv7l)",
            ],
            Sdk::Python => &[
                "azure-iot-device-iothub-py/2.12.0 (Python 3.11.6; Linux 6.1.0-18-amd64; x86_64)",
                "azure-iot-device-iothub-py/2.12.0 (Python 3.9.2; Linux 5.10.0-28-arm64; aarch64)",
            ],
        }
    }

    fn version(self, rng: &mut Rng) -> &'static str {
        rng.pick(self.versions()).copied().unwrap_or("")
    }
}

/// How a device renews its token (MQTT only; AMQP renews in-band).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Renewal {
    /// .NET / Java: dropped at lifespan + grace with 401003 then 404104, reconnect 5-40 s later.
    Errors,
    /// Node / C / Python: Information-only disconnect + connect 1 s apart, every period.
    Info(i64),
}

impl Renewal {
    fn of(sdk: Sdk, protocol: Protocol) -> Option<Renewal> {
        if protocol != Protocol::Mqtt {
            return None;
        }
        Some(match sdk {
            Sdk::DotNet | Sdk::Java => Renewal::Errors,
            Sdk::Node => Renewal::Info(45 * MIN),
            Sdk::C => Renewal::Info(48 * MIN),
            Sdk::Python => Renewal::Info(58 * MIN),
        })
    }

    fn period(self, rng: &mut Rng) -> i64 {
        match self {
            Renewal::Errors => HOUR + rng.range(2, 10) * MIN + rng.range(0, 59) * SEC,
            Renewal::Info(period) => period,
        }
    }
}

#[derive(Debug, Clone)]
struct Device {
    id: Arc<str>,
    sdk: Sdk,
    sdk_version: &'static str,
    protocol: Protocol,
    ip: [u8; 3],
    alt_ip: [u8; 3],
    seed: u64,
}

/// A scripted interruption of a device's connection.
#[derive(Debug, Clone, Copy)]
enum What {
    /// Disconnect with `code`, optionally a failed connect, then a reconnect; `link` adds a 409002 after it.
    Outage { code: u32, fail: Option<(i64, u32)>, reconnect: i64, slot: usize, link: Option<usize> },
    /// A final disconnect.
    Offline { error: bool, slot: usize },
    /// From here on every connect fails with 401003.
    Drift { slot: usize },
    /// Two clients take turns until `until`.
    Duplicate { until: i64, slot: usize },
}

#[derive(Debug, Clone, Copy)]
struct Interrupt {
    at: i64,
    what: What,
}

#[derive(Debug, Clone, Default)]
struct Plan {
    interrupts: Vec<Interrupt>,
    /// First connect of a late device; `None` = connects at start.
    late_connect: Option<i64>,
    assigned: bool,
}

/// Accumulates one truth entry from the records credited to it.
#[derive(Debug, Clone)]
struct Acc {
    kind: Kind,
    devices: BTreeSet<usize>,
    first: i64,
    last: i64,
    hits: u64,
}

struct Sim {
    hub: u32,
    start: i64,
    end: i64,
    devices: Vec<Device>,
    plans: Vec<Plan>,
    events: Vec<Event>,
    accs: Vec<Acc>,
    online: Vec<Vec<(i64, i64)>>,
    sas_slot: Option<usize>,
}

/// Rounds down to the second.
fn sec(t: i64) -> i64 {
    t.div_euclid(SEC) * SEC
}

/// A random whole-second time in `lo..=hi`.
fn at(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    sec(rng.range(lo / SEC, hi / SEC) * SEC)
}

pub(crate) fn run(config: &Config) -> Fleet {
    let hubs = config.hubs.clamp(1, MAX_HUBS);
    if hubs == 1 {
        let (sim, mut rng) = play(config, 0, config.seed, config.devices);
        let (events, truth) = sim.into_parts(None);
        return finish(events, truth, config, &mut rng);
    }
    // Every hub is a fleet of its own; the first plays with the config's seed, so it is the one-hub fleet of
    // its share of the devices.
    let (mut events, mut truth) = (Vec::new(), Vec::new());
    for hub in 0..hubs {
        let devices = config.devices / hubs + usize::from(hub < config.devices % hubs);
        let seed = if hub == 0 { config.seed } else { mix(config.seed, HUB_STREAM + hub as u64) };
        let (sim, _) = play(config, hub as u32, seed, devices);
        let (hub_events, hub_truth) = sim.into_parts(Some(crate::hub_name(hub as u32)));
        events.extend(hub_events);
        truth.extend(hub_truth);
    }
    finish(events, truth, config, &mut Rng::new(mix(config.seed, DELIVERY_STREAM)))
}

/// Plays one hub's fleet of `devices` devices from `seed`: every record and truth slot, not yet ordered.
fn play(config: &Config, hub: u32, seed: u64, devices: usize) -> (Sim, Rng) {
    let mut rng = Rng::new(seed);
    let start = sec(config.start_unix_ms);
    let span = i64::from(config.hours.max(1)) * HOUR;
    let end = start + span;
    let mut kinds: BTreeSet<Kind> = if config.scenarios.is_empty() {
        Kind::ALL.into()
    } else {
        config.scenarios.iter().copied().collect()
    };
    // A link conflict rides on a reconnect: give it one to ride on.
    if kinds.contains(&Kind::LinkConflictSideEffect)
        && !kinds.contains(&Kind::MassDisconnect)
        && !kinds.contains(&Kind::NetworkDisconnect)
    {
        kinds.insert(Kind::NetworkDisconnect);
    }

    let devices: Vec<Device> = (0..devices).map(|i| make_device(seed, i, config.seed)).collect();
    let n = devices.len();
    let mut sim = Sim {
        hub,
        start,
        end,
        devices,
        plans: vec![Plan::default(); n],
        events: Vec::with_capacity(n * (config.hours.max(1) as usize) * 16),
        accs: Vec::new(),
        online: vec![Vec::new(); n],
        sas_slot: None,
    };
    if kinds.contains(&Kind::SasTokenRenewal) {
        sim.sas_slot = Some(sim.slot(Kind::SasTokenRenewal));
    }

    let mut pool: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut pool);
    let phase2 = sim.plan(&kinds, &mut pool, &mut rng);

    for d in 0..n {
        let mut device_rng = Rng::new(sim.devices[d].seed);
        sim.connections(d, &mut device_rng);
    }
    sim.phase2(&phase2, &mut rng);
    for d in 0..n {
        let mut device_rng = Rng::new(mix(sim.devices[d].seed, 0xB6));
        sim.background(d, &phase2, &mut device_rng);
    }
    (sim, rng)
}

/// Device `index` of a hub played from `seed`. Its id comes from `id_seed` (the config's seed), so the n-th
/// device of every hub has the same id; everything else comes from `seed`.
fn make_device(seed: u64, index: usize, id_seed: u64) -> Device {
    let device_seed = mix(seed, index as u64 + 1);
    let mut rng = Rng::new(device_seed);
    let mut prefix = rng.pick(&PREFIXES).copied().unwrap_or("device");
    if id_seed != seed {
        prefix = Rng::new(mix(id_seed, index as u64 + 1)).pick(&PREFIXES).copied().unwrap_or("device");
    }
    let sdk = match rng.below(100) {
        0..=29 => Sdk::DotNet,
        30..=44 => Sdk::Java,
        45..=64 => Sdk::Node,
        65..=84 => Sdk::C,
        _ => Sdk::Python,
    };
    let protocol = if sdk != Sdk::Python && rng.percent(25) { Protocol::Amqp } else { Protocol::Mqtt };
    let mut ip = || {
        let first = rng.range(11, 223) as u8;
        [if first == 127 { 128 } else { first }, rng.below(256) as u8, rng.below(256) as u8]
    };
    let (ip, alt_ip) = (ip(), ip());
    let sdk_version = sdk.version(&mut rng);
    Device {
        id: format!("{prefix}-{:04}", index + 1).into(),
        sdk,
        sdk_version,
        protocol,
        ip,
        alt_ip,
        seed: device_seed,
    }
}

/// Scenario work done after the connection timelines exist.
#[derive(Debug, Default)]
struct Phase2 {
    throttling: Vec<(Vec<usize>, i64, i64, usize)>,
    file_upload: Option<(Vec<usize>, usize)>,
    lock_lost: Option<(Vec<usize>, usize)>,
    queue_full: Option<(Vec<usize>, usize)>,
    not_online: Option<(Vec<usize>, usize)>,
    quota: Option<(i64, Vec<bool>, usize)>,
}

impl Sim {
    fn slot(&mut self, kind: Kind) -> usize {
        self.accs.push(Acc { kind, devices: BTreeSet::new(), first: i64::MAX, last: i64::MIN, hits: 0 });
        self.accs.len() - 1
    }

    fn credit(&mut self, slot: usize, d: Option<usize>, t: i64) {
        if let Some(acc) = self.accs.get_mut(slot) {
            if let Some(d) = d {
                acc.devices.insert(d);
            }
            acc.first = acc.first.min(t);
            acc.last = acc.last.max(t);
            acc.hits += 1;
        }
    }

    /// Takes `count` unassigned devices from the pool, or none when the fleet is too small.
    fn take(&mut self, pool: &mut Vec<usize>, count: usize) -> Option<Vec<usize>> {
        if count == 0 || pool.len() < count {
            return None;
        }
        let taken = pool.split_off(pool.len() - count);
        for &d in &taken {
            self.plans[d].assigned = true;
        }
        Some(taken)
    }

    /// Devices and a truth slot for a scenario that needs nothing else planned up front.
    fn simple(
        &mut self,
        kinds: &BTreeSet<Kind>,
        pool: &mut Vec<usize>,
        rng: &mut Rng,
        kind: Kind,
        lo: i64,
        hi: i64,
    ) -> Option<(Vec<usize>, usize)> {
        if !kinds.contains(&kind) {
            return None;
        }
        let count = rng.range(lo, hi) as usize;
        let devices = self.take(pool, count)?;
        Some((devices, self.slot(kind)))
    }

    fn set_sdk(&mut self, d: usize, sdk: Sdk, protocol: Protocol) {
        let device = &mut self.devices[d];
        if device.sdk != sdk {
            device.sdk = sdk;
            let mut rng = Rng::new(mix(device.seed, 0x5D));
            device.sdk_version = sdk.version(&mut rng);
        }
        device.protocol = protocol;
    }

    /// Chooses scenario devices and times.
    fn plan(&mut self, kinds: &BTreeSet<Kind>, pool: &mut Vec<usize>, rng: &mut Rng) -> Phase2 {
        let (start, end) = (self.start, self.end);
        let span = end - start;
        let n = self.devices.len();
        let mut hosts: Vec<(usize, usize)> = Vec::new(); // (device, interrupt index) that can carry a 409002
        let mut phase2 = Phase2::default();

        if kinds.contains(&Kind::MassDisconnect) {
            let count = ((n as i64 * rng.range(10, 25) + 50) / 100).max(8) as usize;
            if let Some(devices) = self.take(pool, count) {
                let slot = self.slot(Kind::MassDisconnect);
                let m = at(rng, start + span * 3 / 10, start + span * 7 / 10);
                let window = rng.range(10, 20);
                let failing = ((devices.len() as i64 * rng.range(10, 20) + 50) / 100).max(1) as usize;
                for (i, &d) in devices.iter().enumerate() {
                    let t = m + rng.range(0, window) * SEC;
                    let code = match rng.below(10) {
                        0..=3 => 500_001,
                        4..=5 => 500_008,
                        _ => 404_104,
                    };
                    let mut reconnect = m + rng.range(60, 180) * SEC;
                    let fail = (i < failing).then(|| {
                        let code = if rng.percent(50) { 500_008 } else { 500_001 };
                        (t + rng.range(10, 40) * SEC, code)
                    });
                    if let Some((failed_at, _)) = fail {
                        reconnect = reconnect.max(failed_at + rng.range(5, 30) * SEC);
                    }
                    let what = What::Outage { code, fail, reconnect, slot, link: None };
                    self.plans[d].interrupts.push(Interrupt { at: t, what });
                    hosts.push((d, 0));
                }
            }
        }

        if kinds.contains(&Kind::NetworkDisconnect) {
            let count = rng.range(2, 3) as usize;
            if let Some(devices) = self.take(pool, count) {
                let slot = self.slot(Kind::NetworkDisconnect);
                for d in devices {
                    let wanted = rng.range(2, 4);
                    let mut times: Vec<i64> = Vec::new();
                    for _ in 0..wanted * 8 {
                        if times.len() as i64 >= wanted {
                            break;
                        }
                        let t = at(rng, start + span / 10, end - 15 * MIN);
                        if times.iter().all(|&o| (o - t).abs() >= 15 * MIN) {
                            times.push(t);
                        }
                    }
                    times.sort_unstable();
                    for (i, &t) in times.iter().enumerate() {
                        let gap = rng.range(60, 600) * SEC;
                        let fail = rng.percent(30).then(|| (t + gap / 2, 500_008));
                        let what = What::Outage { code: 404_104, fail, reconnect: t + gap, slot, link: None };
                        self.plans[d].interrupts.push(Interrupt { at: t, what });
                        hosts.push((d, i));
                    }
                }
            }
        }

        if kinds.contains(&Kind::LinkConflictSideEffect) && !hosts.is_empty() {
            let slot = self.slot(Kind::LinkConflictSideEffect);
            rng.shuffle(&mut hosts);
            let mut chosen: Vec<usize> = Vec::new();
            let wanted = rng.range(1, 3) as usize;
            for &(d, i) in &hosts {
                if chosen.len() >= wanted || chosen.contains(&d) {
                    continue;
                }
                if let Some(Interrupt { what: What::Outage { link, .. }, .. }) =
                    self.plans[d].interrupts.get_mut(i)
                {
                    *link = Some(slot);
                    chosen.push(d);
                }
            }
            for d in chosen {
                let sdk = self.devices[d].sdk;
                // LinkCreationConflict is an AMQP link error.
                let sdk = if sdk == Sdk::Python { Sdk::DotNet } else { sdk };
                self.set_sdk(d, sdk, Protocol::Amqp);
            }
        }

        if kinds.contains(&Kind::DuplicateIdentity) {
            let count = rng.range(1, 2) as usize;
            if let Some(devices) = self.take(pool, count) {
                let slot = self.slot(Kind::DuplicateIdentity);
                for d in devices {
                    let sdk = self.devices[d].sdk;
                    self.set_sdk(d, sdk, Protocol::Mqtt);
                    let duration = (rng.range(60, 120) * MIN).min(span - 15 * MIN).max(5 * MIN);
                    let t = at(rng, start + 5 * MIN, (end - 10 * MIN - duration).max(start + 5 * MIN));
                    let what = What::Duplicate { until: t + duration, slot };
                    self.plans[d].interrupts.push(Interrupt { at: t, what });
                }
            }
        }

        if kinds.contains(&Kind::TimeDrift) {
            let count = rng.range(1, 2) as usize;
            if let Some(devices) = self.take(pool, count) {
                let slot = self.slot(Kind::TimeDrift);
                for d in devices {
                    let sdk = match self.devices[d].sdk {
                        keep @ (Sdk::C | Sdk::DotNet) => keep,
                        _ if rng.percent(50) => Sdk::C,
                        _ => Sdk::DotNet,
                    };
                    self.set_sdk(d, sdk, Protocol::Mqtt);
                    let t = at(rng, start + span / 4, start + span / 2);
                    self.plans[d].interrupts.push(Interrupt { at: t, what: What::Drift { slot } });
                }
            }
        }

        if kinds.contains(&Kind::ThrottlingBurst) {
            for _ in 0..rng.range(1, 2) {
                let count = rng.range(2, 5) as usize;
                if let Some(devices) = self.take(pool, count) {
                    let slot = self.slot(Kind::ThrottlingBurst);
                    let duration = rng.range(60, 180) * SEC;
                    let t = at(rng, start + span / 10, end - span / 10 - 3 * MIN);
                    phase2.throttling.push((devices, t, duration, slot));
                }
            }
        }

        phase2.file_upload = self.simple(kinds, pool, rng, Kind::FileUploadLimit, 1, 2);
        phase2.lock_lost = self.simple(kinds, pool, rng, Kind::C2dLockLost, 1, 2);
        phase2.queue_full = self.simple(kinds, pool, rng, Kind::C2dQueueFull, 1, 2);
        if let Some((devices, slot)) = self.simple(kinds, pool, rng, Kind::DeviceOffline, 1, 3) {
            for d in devices {
                let latest = (end - 20 * MIN - rng.range(0, 10) * MIN).max(start + 5 * MIN);
                let t = at(rng, (start + span / 5).min(latest), latest);
                let what = What::Offline { error: rng.percent(50), slot };
                self.plans[d].interrupts.push(Interrupt { at: t, what });
            }
        }
        phase2.not_online = self.simple(kinds, pool, rng, Kind::DeviceNotOnline, 1, 2);
        if let Some((devices, _)) = &phase2.not_online {
            for &d in devices {
                let late = if rng.percent(30) {
                    end + HOUR
                } else {
                    at(rng, (start + span * 2 / 5).max(start + 20 * MIN), start + span * 4 / 5)
                };
                self.plans[d].late_connect = Some(late);
            }
        }

        if kinds.contains(&Kind::QuotaExceeded) {
            let background: Vec<usize> = (0..n).filter(|&d| !self.plans[d].assigned).collect();
            if !background.is_empty() {
                let slot = self.slot(Kind::QuotaExceeded);
                let q = at(rng, end - span / 5, end - span / 10);
                let share = rng.range(40, 70) as u64;
                let mut affected = vec![false; n];
                for d in background {
                    affected[d] = rng.percent(share);
                }
                phase2.quota = Some((q, affected, slot));
            }
        }

        for plan in &mut self.plans {
            plan.interrupts.sort_by_key(|i| i.at);
        }
        phase2
    }

    fn event(&self, d: usize, t: i64, category: Category, operation: Operation, code: Option<u32>) -> Event {
        let device = &self.devices[d];
        Event {
            time_ms: sec(t),
            device: device.id.clone(),
            hub: self.hub,
            category,
            operation,
            level: if code.is_some() { crate::Level::Error } else { crate::Level::Information },
            code,
            name: code.map_or("", code_name),
            protocol: device.protocol,
            sdk_version: "",
            ip: device.ip,
            size: 0,
            response_size: 0,
            duration_ms: None,
            message: None,
            seq: 0,
            duplicate: false,
            received_ms: 0,
            late: false,
        }
    }

    fn connect(&mut self, d: usize, t: i64, ip: [u8; 3], code: Option<u32>) {
        let mut e = self.event(d, t, Category::Connections, Operation::DeviceConnect, code);
        e.ip = ip;
        e.sdk_version = self.devices[d].sdk_version;
        self.events.push(e);
    }

    fn disconnect(&mut self, d: usize, t: i64, ip: [u8; 3], code: Option<u32>) {
        let mut e = self.event(d, t, Category::Connections, Operation::DeviceDisconnect, code);
        e.ip = ip;
        self.events.push(e);
    }

    /// Emits the drop part of a token renewal; returns the time of the reconnect attempt.
    fn renewal_drop(
        &mut self,
        d: usize,
        t: i64,
        ip: [u8; 3],
        renewal: Renewal,
        rng: &mut Rng,
    ) -> (i64, [i64; 2]) {
        match renewal {
            Renewal::Errors => {
                self.disconnect(d, t, ip, Some(401_003));
                let t2 = t + rng.range(0, 2) * SEC;
                self.disconnect(d, t2, ip, Some(404_104));
                (t2 + rng.range(5, 40) * SEC, [t, t2])
            }
            Renewal::Info(_) => {
                self.disconnect(d, t, ip, None);
                (t + SEC, [t, t])
            }
        }
    }

    /// 401003 on every connect attempt with backoff 1, 2, 4, 8, 16, 30, 30... minutes until the end.
    fn drift_failures(&mut self, d: usize, first: i64, ip: [u8; 3], slot: usize, rng: &mut Rng) {
        const BACKOFF: [i64; 6] = [1, 2, 4, 8, 16, 30];
        let mut t = first;
        let mut attempt = 0;
        while t < self.end {
            self.connect(d, t, ip, Some(401_003));
            self.credit(slot, Some(d), t);
            t += BACKOFF[attempt.min(BACKOFF.len() - 1)] * MIN + rng.range(0, 5) * SEC;
            attempt += 1;
        }
    }

    /// Phase 1: one device's connection life.
    fn connections(&mut self, d: usize, rng: &mut Rng) {
        let end = self.end;
        let first = match self.plans[d].late_connect {
            Some(late) => late,
            None => self.start + rng.range(0, 120) * SEC,
        };
        if first >= end {
            return;
        }
        let (mut ip, mut other_ip) = (self.devices[d].ip, self.devices[d].alt_ip);
        self.connect(d, first, ip, None);
        let mut since = first;
        let renewal = if self.sas_slot.is_some() {
            Renewal::of(self.devices[d].sdk, self.devices[d].protocol)
        } else {
            None
        };
        let mut next_renewal = renewal.map_or(i64::MAX, |r| first + r.period(rng));
        let mut drift: Option<usize> = None;
        let interrupts = std::mem::take(&mut self.plans[d].interrupts);
        let mut k = 0;
        let mut cursor = first;
        loop {
            let next_interrupt = interrupts.get(k).map_or(i64::MAX, |i| i.at.max(cursor + SEC));
            if let Some(renewal) = renewal
                && next_renewal < end - MIN
                && next_renewal.saturating_add(MIN) <= next_interrupt
            {
                let t = next_renewal;
                let (reconnect, drop) = self.renewal_drop(d, t, ip, renewal, rng);
                self.online[d].push((since, t));
                if let Some(slot) = drift {
                    self.drift_failures(d, reconnect, ip, slot, rng);
                    return;
                }
                self.connect(d, reconnect, ip, None);
                if let Some(slot) = self.sas_slot {
                    for time in [drop[0], drop[1], reconnect] {
                        self.credit(slot, Some(d), time);
                    }
                }
                since = reconnect;
                cursor = reconnect;
                next_renewal = reconnect + renewal.period(rng);
                continue;
            }
            let Some(interrupt) = interrupts.get(k) else { break };
            if next_interrupt >= end {
                break;
            }
            k += 1;
            let t = next_interrupt;
            let shift = t - interrupt.at;
            match interrupt.what {
                What::Outage { code, fail, reconnect, slot, link } => {
                    self.disconnect(d, t, ip, Some(code));
                    self.credit(slot, Some(d), t);
                    self.online[d].push((since, t));
                    if let Some((ft, fcode)) = fail {
                        self.connect(d, ft + shift, ip, Some(fcode));
                        self.credit(slot, Some(d), ft + shift);
                    }
                    let rc = (reconnect + shift).max(t + SEC);
                    self.connect(d, rc, ip, None);
                    self.credit(slot, Some(d), rc);
                    if let Some(link_slot) = link {
                        let lt = rc + rng.range(0, 2) * SEC;
                        self.connect(d, lt, ip, None);
                        self.disconnect(d, lt, ip, Some(409_002));
                        self.credit(link_slot, Some(d), lt);
                        self.credit(link_slot, Some(d), lt);
                    }
                    since = rc;
                    cursor = rc + 2 * SEC;
                    next_renewal = renewal.map_or(i64::MAX, |r| rc + r.period(rng));
                }
                What::Offline { error, slot } => {
                    self.disconnect(d, t, ip, error.then_some(404_104));
                    self.credit(slot, Some(d), t);
                    self.online[d].push((since, t));
                    return;
                }
                What::Drift { slot } => {
                    if renewal.is_some() && next_renewal < end - 10 * MIN {
                        // The drift shows at the next token renewal: its reconnect is refused.
                        drift = Some(slot);
                        continue;
                    }
                    self.disconnect(d, t, ip, None);
                    self.online[d].push((since, t));
                    self.drift_failures(d, t + SEC, ip, slot, rng);
                    return;
                }
                What::Duplicate { until, slot } => {
                    let mut now = t;
                    loop {
                        self.connect(d, now, other_ip, None);
                        self.credit(slot, Some(d), now);
                        let kicked = now + rng.range(0, 1) * SEC;
                        self.disconnect(d, kicked, ip, Some(400_027));
                        self.credit(slot, Some(d), kicked);
                        std::mem::swap(&mut ip, &mut other_ip);
                        cursor = kicked;
                        let next = now + rng.range(2, 10) * MIN + rng.range(0, 59) * SEC;
                        if next > until || next >= end - MIN {
                            break;
                        }
                        now = next;
                    }
                    next_renewal = renewal.map_or(i64::MAX, |r| now + r.period(rng));
                }
            }
        }
        self.online[d].push((since, end));
    }

    fn is_online(&self, d: usize, t: i64) -> bool {
        let spans = &self.online[d];
        let i = spans.partition_point(|&(from, _)| from <= t);
        i > 0 && spans.get(i - 1).is_some_and(|&(_, to)| t < to)
    }

    /// A time in `lo..=hi` at which the device stays online for `duration` (20 tries).
    fn online_time(&self, d: usize, lo: i64, hi: i64, duration: i64, rng: &mut Rng) -> Option<i64> {
        (0..20).map(|_| at(rng, lo, hi.max(lo))).find(|&t| {
            let spans = &self.online[d];
            spans.iter().any(|&(from, to)| from <= t && t + duration < to)
        })
    }

    fn telemetry(&mut self, d: usize, t: i64, code: u32, size: u32, rng: &mut Rng) {
        let mut e = self.event(d, t, Category::DeviceTelemetry, Operation::Ingress, Some(code));
        e.size = size;
        let enqueued = e.time_ms + rng.range(400, 600);
        let partition = (crate::rng::fnv(self.devices[d].id.as_bytes()) % 4) as u8;
        e.message = Some(Box::new(MessageInfo {
            message_id: String::new(),
            delivery_count: 0,
            enqueued_ms: enqueued,
            processed_ms: enqueued + rng.range(10, 60),
            partition,
            ttl_s: 0,
        }));
        self.events.push(e);
    }

    fn c2d(&mut self, d: usize, t: i64, operation: Operation, code: u32, message: MessageInfo, size: u32) {
        let mut e = self.event(d, t, Category::C2DCommands, operation, Some(code));
        e.size = size;
        e.message = Some(Box::new(message));
        self.events.push(e);
    }

    /// Phase 2: scenario records that depend on when devices are online.
    fn phase2(&mut self, p: &Phase2, rng: &mut Rng) {
        let (start, end) = (self.start, self.end);
        let span = end - start;
        for (devices, burst, duration, slot) in &p.throttling {
            let (burst, duration, slot) = (*burst, *duration, *slot);
            let others = devices.len().saturating_sub(1);
            let total = rng.range(12, 40).max(others as i64 * 5);
            let top = total * rng.range(60, 80) / 100;
            let mut records: Vec<(i64, usize, u32)> = Vec::new();
            for i in 0..total {
                let d = if i < top || others == 0 {
                    devices[0]
                } else {
                    devices[1 + (i - top) as usize % others]
                };
                records.push((burst + rng.range(0, duration * 4 / 5 / SEC) * SEC, d, 429_001));
            }
            for _ in 0..rng.range(1, 3) {
                records.push((
                    burst + duration * 4 / 5 + rng.range(0, duration / 5 / SEC) * SEC,
                    devices[0],
                    429_002,
                ));
            }
            records.sort_by_key(|r| r.0);
            for (t, d, code) in records {
                if self.is_online(d, t) {
                    let size = if d == devices[0] { 65_536 } else { [2048, 4096, 8192][d % 3] };
                    self.telemetry(d, t, code, size, rng);
                    self.credit(slot, Some(d), t);
                }
            }
        }
        if let Some((devices, slot)) = &p.file_upload {
            for &d in devices {
                let mut t = at(rng, start + span / 20, end - 10 * MIN);
                for _ in 0..rng.range(3, 6) {
                    let mut e =
                        self.event(d, t, Category::FileUploadOperations, Operation::Ingress, Some(403_006));
                    e.protocol = Protocol::Http;
                    e.duration_ms = Some(rng.range(1, 3) as u32);
                    self.events.push(e);
                    self.credit(*slot, Some(d), t);
                    t += MIN + rng.range(0, 3) * SEC;
                }
            }
        }
        if let Some((devices, slot)) = &p.lock_lost {
            for &d in devices {
                for _ in 0..rng.range(1, 2) {
                    let Some(enqueued) = self.online_time(d, start + 5 * MIN, end - 10 * MIN, 5 * MIN, rng)
                    else {
                        continue;
                    };
                    let enqueued_ms = enqueued + rng.range(0, 999);
                    let id = format!("c2d-{:06x}", rng.below(1 << 24));
                    let size = rng.range(120, 900) as u32;
                    let mut t = enqueued + rng.range(65, 80) * SEC;
                    for delivery in 1..=3 {
                        let message = MessageInfo {
                            message_id: id.clone(),
                            delivery_count: delivery,
                            enqueued_ms,
                            processed_ms: t + rng.range(100, 400),
                            partition: 0,
                            ttl_s: 3600,
                        };
                        self.c2d(d, t, Operation::Complete, 412_002, message, size);
                        self.credit(*slot, Some(d), t);
                        t += rng.range(60, 75) * SEC;
                    }
                }
            }
        }
        if let Some((devices, slot)) = &p.queue_full {
            for &d in devices {
                let mut t = at(rng, start + span / 10, end - span / 4);
                for _ in 0..rng.range(4, 10) {
                    let enqueued_ms = t + rng.range(0, 500);
                    let message = MessageInfo {
                        message_id: format!("c2d-{:06x}", rng.below(1 << 24)),
                        delivery_count: 0,
                        enqueued_ms,
                        processed_ms: enqueued_ms + rng.range(5, 50),
                        partition: 0,
                        ttl_s: 3600,
                    };
                    let size = rng.range(120, 900) as u32;
                    self.c2d(d, t, Operation::Send, 403_004, message, size);
                    self.credit(*slot, Some(d), t);
                    t += rng.range(1, 5) * MIN + rng.range(0, 59) * SEC;
                }
            }
        }
        if let Some((devices, slot)) = &p.not_online {
            for &d in devices {
                let until = self.plans[d].late_connect.unwrap_or(end).min(end) - 30 * SEC;
                let mut t = start + rng.range(2, 6) * MIN + rng.range(0, 59) * SEC;
                for _ in 0..rng.range(3, 6) {
                    if t >= until {
                        break;
                    }
                    let mut e = self.event(d, t, Category::DirectMethods, Operation::Send, Some(404_103));
                    e.sdk_version = SERVICE_API;
                    e.size = rng.range(16, 256) as u32;
                    e.duration_ms = Some(rng.range(1, 20) as u32);
                    self.events.push(e);
                    self.credit(*slot, Some(d), t);
                    t += rng.range(2, 6) * MIN + rng.range(0, 59) * SEC;
                }
            }
        }
    }

    /// Healthy twin and method traffic while online, turned into 403002 after the quota runs out.
    fn background(&mut self, d: usize, p: &Phase2, rng: &mut Rng) {
        let quota = p.quota.as_ref().filter(|(_, affected, _)| affected.get(d).copied().unwrap_or(false));
        let spans = std::mem::take(&mut self.online[d]);
        for &(from, to) in &spans {
            let mut t = from + rng.range(30, 300) * SEC;
            while t < to - 5 * SEC {
                let exceeded = quota.filter(|(q, _, _)| t >= *q).map(|(_, _, slot)| *slot);
                let roll = rng.below(100);
                let mut e = if roll < 45 {
                    let mut e = self.event(d, t, Category::D2CTwinOperations, Operation::Update, None);
                    e.duration_ms = Some(rng.range(1, 12) as u32);
                    e
                } else {
                    let failed = exceeded.filter(|_| rng.percent(60));
                    let mut e = if roll < 75 {
                        let mut e = self.event(d, t, Category::C2DTwinOperations, Operation::Read, None);
                        e.size = rng.range(200, 2400) as u32;
                        e
                    } else {
                        let mut e = self.event(d, t, Category::DirectMethods, Operation::Send, None);
                        e.size = rng.range(16, 256) as u32;
                        e.response_size = if failed.is_some() { 0 } else { rng.range(2, 512) as u32 };
                        e
                    };
                    e.sdk_version = SERVICE_API;
                    e.duration_ms = Some(rng.range(1, 40) as u32);
                    if let Some(slot) = failed {
                        e.code = Some(403_002);
                        e.name = code_name(403_002);
                        e.level = Level::Error;
                        self.credit(slot, None, t);
                    }
                    e
                };
                e.time_ms = sec(t);
                self.events.push(e);
                t += rng.range(2, 10) * MIN + rng.range(0, 59) * SEC;
            }
            if let Some(&(q, _, slot)) = quota {
                let mut t = from.max(q) + rng.range(0, 120) * SEC;
                while t < to - 5 * SEC {
                    self.telemetry(d, t, 403_002, rng.range(200, 4000) as u32, rng);
                    self.credit(slot, None, t);
                    t += rng.range(1, 5) * MIN + rng.range(0, 59) * SEC;
                }
            }
        }
        self.online[d] = spans;
    }

    /// The records and the truth of the accumulators (unsorted); `hub` names the hub in each entry.
    fn into_parts(self, hub: Option<String>) -> (Vec<Event>, Vec<Truth>) {
        let devices = &self.devices;
        let truth = self
            .accs
            .into_iter()
            .filter(|acc| acc.hits > 0)
            .map(|acc| {
                let mut ids: Vec<String> = acc.devices.iter().map(|&d| devices[d].id.to_string()).collect();
                ids.sort();
                Truth {
                    kind: acc.kind,
                    hub: hub.clone(),
                    devices: ids,
                    first_ms: acc.first,
                    last_ms: acc.last,
                }
            })
            .collect();
        (self.events, truth)
    }
}

/// Orders, duplicates, jitters and delays the records, and sorts the truth.
fn finish(mut events: Vec<Event>, mut truth: Vec<Truth>, config: &Config, rng: &mut Rng) -> Fleet {
    events.sort_by_key(|e| e.time_ms);
    for (i, e) in events.iter_mut().enumerate() {
        e.seq = i as u32;
    }
    let skew = config.max_skew_ms.max(0);
    let percent = u64::from(config.duplicates_percent.min(100));
    // Lateness draws from its own stream, so that turning it on leaves every other record's delay alone.
    let late_percent = u64::from(config.late_percent.min(100));
    let mut late_rng = Rng::new(mix(config.seed, LATE_STREAM));
    let mut deliver = |mut e: Event, rng: &mut Rng| {
        e.received_ms = e.time_ms + rng.range(0, skew);
        if late_percent > 0 && late_rng.percent(late_percent) {
            e.received_ms = e.time_ms + late_rng.range(LATE_MIN, LATE_MAX);
            e.late = true;
        }
        e
    };
    let extra = events.len() * percent as usize / 100 + 16;
    let mut delivered: Vec<Event> = Vec::with_capacity(events.len() + extra);
    for e in events {
        if percent > 0 && rng.percent(percent) {
            let mut copy = e.clone();
            copy.duplicate = true;
            delivered.push(deliver(copy, rng));
        }
        delivered.push(deliver(e, rng));
    }
    delivered.sort_by_key(|e| e.received_ms);

    truth.sort_by_key(|t| (t.kind, t.first_ms));
    Fleet { events: delivered, truth }
}
