//! [`Partial`]: the mergeable state of a diagnosis (device digests, hub partials, summary counts), and the
//! finish that turns merged partials into a [`Report`].
//!
//! A device's findings depend only on its own records and the merged hub context (incidents, whether other
//! devices of the hub connect fine), so any split of the devices over partials, merged in any order, gives
//! the report of one pass.

use serde::{Deserialize, Serialize};

use super::collect::{Collector, DeviceKey, DeviceLog, Stored, canonical, same_record};
use super::device::{self, DRIFT_MIN_ATTEMPTS, Device, SAS_RECONNECT_MS, Series};
use super::findings::{self, Draft};
use super::hub::HubPartial;
use super::incidents::{self, Incident, MASS_WINDOW_MS};
use super::sorted_map::SortedMap;
use super::summary::SummaryBuilder;
use super::{FindingKind, Offender, Report};
use crate::logs::RecordRef;
use crate::time::Millis;

/// Refused connects must span this long to be clock drift.
const DRIFT_MIN_SPAN_MS: Millis = 5 * 60_000;
/// A resource-log disconnect this long before the end of the hub's data with no reconnect means offline.
const OFFLINE_AFTER_MS: Millis = 2 * 60_000;
/// A 409002 this soon after another disconnect error of the device has that error as its cause.
const LINK_CAUSE_MS: Millis = 60_000;

/// Diagnosis state that merges: what a set of devices' records say, hub by hub, plus the summary counts.
///
/// Made by [`super::Diagnoser::finish_partial`]; [`Partial::merge`] is associative and commutative, and
/// partials serialize ([`Partial::to_json`]) so that they can travel between processes (Spark executors, worker
/// threads). Partials to be merged must hold disjoint devices (a device is its hub, device id and module id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    summary: SummaryBuilder,
    devices: Vec<Device>,
    hubs: SortedMap<Option<String>, HubPartial>,
}

impl Partial {
    /// Digests the logs of `collector` (taken out of it): each device's records in canonical order,
    /// duplicates dropped, through the device machine.
    pub(super) fn digest(collector: &Collector, logs: Vec<DeviceLog>, summary: SummaryBuilder) -> Partial {
        let mut partial = Partial { summary, ..Partial::default() };
        for mut log in logs {
            let events = &mut log.events;
            sort_records(events, collector);
            let before = events.len();
            events.dedup_by(|later, earlier| same_record(collector, later, earlier));
            partial.summary.duplicates((before - events.len()) as u64);
            partial.summary.events(events, collector);
            let hub = collector.strings.get(log.hub).map(str::to_owned);
            let key = DeviceKey { hub: hub.clone(), name: log.name.to_string() };
            let is_device = !key.name.is_empty();
            if let Some(hub) = partial.hubs.slot(hub, HubPartial::default) {
                let digest = device::run(key, &log, collector, hub);
                if is_device {
                    hub.devices += 1;
                    partial.devices.push(digest);
                }
            }
        }
        partial
    }

    /// The counts kept outside the device logs (records without time, skipped parts, records read), with the
    /// skipped parts' first lines, as the summary a digest starts from.
    pub(super) fn counts_of(collector: &mut Collector) -> SummaryBuilder {
        let mut counts = std::mem::take(&mut collector.summary);
        counts.keep_skipped(std::mem::take(&mut collector.skipped));
        counts
    }

    /// Adds another partial (of other devices).
    pub fn merge(&mut self, other: Partial) {
        self.summary.merge(other.summary);
        self.devices.extend(other.devices);
        self.hubs.merge_with(other.hubs, HubPartial::merge);
    }

    /// Records read into the devices of this partial.
    pub fn records_read(&self) -> u64 {
        self.summary.records_read()
    }

    /// The partial as JSON.
    #[cfg(feature = "json")]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A partial from [`Partial::to_json`]'s JSON.
    #[cfg(feature = "json")]
    pub fn from_json(json: &[u8]) -> Result<Partial, crate::Error> {
        serde_json::from_slice(json).map_err(|error| crate::Error::InvalidPartial {
            reason: format!("not a diagnosis partial ({error})"),
        })
    }

    /// The report of all merged partials; an error when a device was in two of them.
    pub fn finish(mut self) -> Result<Report, crate::Error> {
        crate::sort::sort_by(&mut self.devices, |a, b| a.key.cmp(&b.key));
        if let Some(pair) =
            self.devices.windows(2).find(|pair| pair.first().map(|d| &d.key) == pair.get(1).map(|d| &d.key))
        {
            let key = pair.first().map(|d| d.key.clone()).unwrap_or_default();
            let hub = key.hub.map(|hub| format!(" of hub `{hub}`")).unwrap_or_default();
            let reason = format!(
                "device `{}`{hub} is in two partials: give all records of a device to one diagnoser \
                 (partition by hub and device)",
                key.name
            );
            return Err(crate::Error::InvalidPartial { reason });
        }
        Ok(self.report())
    }

    /// The report of a partial made by one diagnoser (whose devices are distinct).
    pub(super) fn report_of_one(mut self) -> Report {
        crate::sort::sort_by(&mut self.devices, |a, b| a.key.cmp(&b.key));
        self.report()
    }

    /// The report; the devices must be sorted by key and distinct.
    fn report(self) -> Report {
        let Partial { summary, devices, hubs } = self;
        let names: Vec<String> = devices.iter().map(|device| device.key.name.clone()).collect();
        let several_hubs = hubs.keys().filter(|hub| hub.is_some()).count() > 1;
        let mut drafts = Vec::new();
        for (hub, partial) in hubs.iter() {
            let members: Vec<(u32, &Device)> = devices
                .iter()
                .enumerate()
                .filter(|(_, device)| device.key.hub == *hub)
                .map(|(index, device)| (index as u32, device))
                .collect();
            let context = HubContext::new(&members, partial, incidents::detect(&members, partial.devices));
            let first_draft = drafts.len();
            context.device_findings(&mut drafts);
            context.hub_findings(&names, &mut drafts);
            for draft in drafts.iter_mut().skip(first_draft) {
                draft.hub = hub.clone();
            }
        }
        let errors: Vec<(String, u64)> = devices
            .iter()
            .map(|device| {
                let label = match (&device.key.hub, several_hubs) {
                    (Some(hub), true) => format!("{hub}:{}", device.key.name),
                    _ => device.key.name.clone(),
                };
                (label, device.errors)
            })
            .collect();
        findings::report(summary.build(&errors), drafts, &names)
    }
}

/// One hub's devices with the context their findings need.
struct HubContext<'a> {
    devices: &'a [(u32, &'a Device)],
    hub: &'a HubPartial,
    incidents: Vec<Incident>,
    /// The two latest successful connects of distinct devices: (time, device).
    latest_ok: [Option<(Millis, u32)>; 2],
}

/// Token renewals grouped by (found only as quick reconnects, SDK): a draft and the renewal periods.
type RenewalGroups = SortedMap<(bool, Option<String>), (Draft, Vec<f64>)>;

impl<'a> HubContext<'a> {
    fn new(
        devices: &'a [(u32, &'a Device)],
        hub: &'a HubPartial,
        incidents: Vec<Incident>,
    ) -> HubContext<'a> {
        let mut latest_ok: [Option<(Millis, u32)>; 2] = [None, None];
        for &(index, device) in devices {
            let Some(at) = device.last_ok_connect else { continue };
            let entry = Some((at, index));
            if entry > latest_ok[0] {
                latest_ok[1] = latest_ok[0];
                latest_ok[0] = entry;
            } else if entry > latest_ok[1] {
                latest_ok[1] = entry;
            }
        }
        HubContext { devices, hub, incidents, latest_ok }
    }

    fn device_findings(&self, drafts: &mut Vec<Draft>) {
        let end = self.hub.end.unwrap_or(Millis::MIN);
        let mut renewals = RenewalGroups::default();
        for &(index, device) in self.devices {
            self.group_renewals(index, device, &mut renewals);
            let offline_at = offline_since(device, end);
            drafts.extend(self.network_disconnect(index, device, offline_at));
            let drift = device.longest_drift();
            drafts.extend(self.time_drift(index, device, drift));
            self.link_conflict_side_effects(index, device, drafts);
            drafts.extend(duplicate_identity(index, device));
            drafts.extend(code_errors(index, device, FindingKind::FileUploadLimit, &device.uploads, 403006));
            drafts.extend(c2d_lock_lost(index, device));
            drafts.extend(code_errors(index, device, FindingKind::C2dQueueFull, &device.queue_full, 403004));
            drafts.extend(code_errors(
                index,
                device,
                FindingKind::DeviceNotOnline,
                &device.not_online,
                404103,
            ));
            drafts.extend(device_offline(index, device, offline_at, drift));
        }
        for ((_, sdk), (mut draft, mut periods)) in renewals {
            crate::sort::sort_by(&mut periods, f64::total_cmp);
            draft.details.period_minutes = periods.get(periods.len() / 2).copied();
            draft.details.sdk = sdk;
            drafts.push(draft);
        }
    }

    /// Adds the device's token renewals (or, without any, its quick error-free reconnects outside
    /// incidents) to the group of devices renewing the same way with the same SDK: one (benign) finding.
    fn group_renewals(&self, index: u32, device: &Device, groups: &mut RenewalGroups) {
        let quick = Series::of(
            device.quick_reconnects.iter().copied().filter(|&(at, _)| !self.during_incident(at)).collect(),
        );
        if device.renewals.is_empty() && quick.is_empty() {
            return;
        }
        let quiet = device.renewals.is_empty();
        let (series, codes): (&Series, &[u32]) =
            if quiet { (&quick, &[]) } else { (&device.renewals, &[401003, 404104]) };
        let mut draft = Draft::for_device(FindingKind::SasTokenRenewal, index, device, series, codes);
        draft.quiet = quiet;
        let periods = series.median_gap_minutes();
        let kind = draft.kind;
        groups.update(
            (quiet, device.sdk.clone()),
            || (Draft::new(kind), Vec::new()),
            |group| {
                group.0.absorb(draft);
                group.1.extend(periods);
            },
        );
    }

    /// The device's disconnect errors and Event Grid outages outside any incident (but its final
    /// disconnect, which is `device-offline`).
    fn network_disconnect(&self, index: u32, device: &Device, offline_at: Option<Millis>) -> Option<Draft> {
        let drops: Vec<(Millis, RecordRef)> = device
            .drops()
            .filter(|drop| !self.in_incident(index, drop.at) && Some(drop.at) != offline_at)
            .map(|drop| (drop.at, drop.source))
            .collect();
        let codes: &[u32] = if drops.is_empty() { &[] } else { &[404104] };
        let mut events = drops;
        events.extend(device.outages.iter().copied().filter(|&(at, _)| !self.during_incident(at)));
        if events.is_empty() {
            return None;
        }
        crate::sort::sort(&mut events);
        let series = Series::of(events);
        let mut draft = Draft::for_device(FindingKind::NetworkDisconnect, index, device, &series, codes);
        if device.reconnects > 0 {
            draft.details.reconnect_minutes =
                Some(device.reconnect_total_ms as f64 / device.reconnects as f64 / 60_000.0);
        }
        Some(draft)
    }

    /// A streak of refused connects long enough to be clock drift, while another device of the hub connects
    /// fine.
    fn time_drift(&self, index: u32, device: &Device, drift: &Series) -> Option<Draft> {
        let drift_span = drift.last.zip(drift.first).map_or(0, |(last, first)| last - first);
        if drift.count < DRIFT_MIN_ATTEMPTS || drift_span < DRIFT_MIN_SPAN_MS {
            return None;
        }
        let start = drift.first.unwrap_or(Millis::MIN);
        let peers_fine = self.latest_ok.iter().flatten().any(|&(at, other)| other != index && at > start);
        peers_fine.then(|| Draft::for_device(FindingKind::TimeDrift, index, device, drift, &[401003]))
    }

    /// One draft per 409002, with its root cause: an incident around it, else the device's own disconnect
    /// error just before.
    fn link_conflict_side_effects(&self, index: u32, device: &Device, drafts: &mut Vec<Draft>) {
        for (at, source, previous) in &device.link_conflicts {
            let cause = if self.incidents.iter().any(|i| i.covers(*at, 10_000, SAS_RECONNECT_MS)) {
                Some("mass-disconnect".to_owned())
            } else {
                previous.filter(|(when, _)| at - when <= LINK_CAUSE_MS).map(|(_, code)| code.to_string())
            };
            let mut series = Series::default();
            series.add(*at, *source);
            let mut draft =
                Draft::for_device(FindingKind::LinkConflictSideEffect, index, device, &series, &[409002]);
            draft.details.root_cause = cause;
            drafts.push(draft);
        }
    }

    /// True when `at` falls in an incident's window (Event Grid's 60-second snapshots blur who dropped when).
    fn during_incident(&self, at: Millis) -> bool {
        self.incidents.iter().any(|incident| incident.covers(at, MASS_WINDOW_MS, 2 * MASS_WINDOW_MS))
    }

    fn in_incident(&self, device: u32, at: Millis) -> bool {
        self.incidents
            .iter()
            .any(|incident| incident.devices.contains_key(&device) && incident.covers(at, 5_000, 5_000))
    }

    fn hub_findings(&self, names: &[String], drafts: &mut Vec<Draft>) {
        let name = |index: u32| names.get(index as usize).map_or("", String::as_str);
        for incident in &self.incidents {
            let mut draft = Draft::new(FindingKind::MassDisconnect);
            draft.devices = incident.devices.keys().copied().collect();
            crate::sort::sort_by(&mut draft.devices, |a, b| name(*a).cmp(name(*b)));
            draft.drop_span = incident.drops_first.zip(incident.drops_last);
            draft.codes = incident.codes.keys().copied().collect();
            draft.quiet = incident.codes.is_empty();
            draft.first = Some(incident.first);
            draft.last = Some(incident.last);
            draft.count = incident.devices.values().sum();
            draft.evidence = incident.refs.clone();
            draft.timeline =
                incident.timeline.iter().map(|&(at, device, code)| (at, Some(device), Some(code))).collect();
            draft.failed_reconnects = incident.failed_reconnects;
            let (total, count) = self
                .devices
                .iter()
                .filter(|(index, _)| incident.devices.contains_key(index))
                .fold((0i64, 0u64), |(total, count), (_, device)| {
                    if device.reconnects > 0 {
                        (total + device.reconnect_total_ms / device.reconnects as i64, count + 1)
                    } else {
                        (total, count)
                    }
                });
            if count > 0 {
                draft.details.reconnect_minutes = Some(total as f64 / count as f64 / 60_000.0);
            }
            let counts = incident.devices.iter().map(|(&index, &n)| (name(index).to_owned(), n)).collect();
            draft.details.top_offenders = offenders(counts, 5);
            drafts.push(draft);
        }
        for burst in self.hub.bursts() {
            let mut draft = Draft::new(FindingKind::ThrottlingBurst);
            let ranked = offenders(burst.devices.iter().map(|(d, &n)| (d.clone(), n)).collect(), usize::MAX);
            draft.devices = ranked.iter().filter_map(|o| self.index_of(&o.device)).collect();
            draft.codes = burst.codes.keys().copied().collect();
            draft.code_counts = burst.codes.clone();
            draft.first = Some(burst.first);
            draft.last = Some(burst.last);
            draft.count = burst.count;
            draft.evidence = burst.refs();
            draft.timeline = burst
                .events
                .clone()
                .into_sorted()
                .into_iter()
                .map(|(at, device, code, _)| (at, device.and_then(|d| self.index_of(&d)), Some(code)))
                .collect();
            draft.details.top_offenders = ranked.into_iter().take(5).collect();
            drafts.push(draft);
        }
        let quota = &self.hub.quota;
        if quota.count > 0 {
            let mut draft = Draft::new(FindingKind::QuotaExceeded);
            draft.codes = vec![403002];
            draft.first = quota.first;
            draft.last = quota.last;
            draft.count = quota.count;
            let events = quota.events.clone().into_sorted();
            draft.evidence = events.iter().take(device::MAX_REFS).map(|&(.., source)| source).collect();
            draft.timeline = events.iter().map(|&(at, ..)| (at, None, Some(403002))).collect();
            draft.details.top_offenders =
                offenders(quota.devices.iter().map(|(d, &n)| (d.clone(), n)).collect(), 5);
            drafts.push(draft);
        }
    }

    /// The index of a device of this hub, by name (the hub's devices are sorted by name).
    fn index_of(&self, device: &str) -> Option<u32> {
        let at = self.devices.binary_search_by(|(_, probe)| probe.key.name.as_str().cmp(device)).ok()?;
        self.devices.get(at).map(|&(index, _)| index)
    }
}

/// Puts a device's records in canonical order. Natively the standard library's stable sort, which runs in
/// linear time over the long sorted runs logs have; the WebAssembly build keeps the crate's one shared sort.
/// Times are compared inline; the full comparison runs only for records of the same millisecond.
fn sort_records(events: &mut [super::collect::Stored], collector: &Collector) {
    let order = |a: &Stored, b: &Stored| a.time.cmp(&b.time).then_with(|| canonical(collector, a, b));
    #[cfg(not(target_arch = "wasm32"))]
    events.sort_by(order);
    #[cfg(target_arch = "wasm32")]
    crate::sort::sort_by(events, order);
}

/// Devices by count, most first (ties by name), at most `limit`.
fn offenders(mut order: Vec<(String, u64)>, limit: usize) -> Vec<Offender> {
    crate::sort::sort_by(&mut order, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    order.into_iter().take(limit).map(|(device, count)| Offender { device, count }).collect()
}

/// When the device's last connection event is a disconnect that counts as going offline: at least
/// [`OFFLINE_AFTER_MS`] before the end of the hub's data, or any final disconnect from Event Grid.
fn offline_since(device: &Device, end: Millis) -> Option<Millis> {
    match device.state {
        device::State::Disconnected(at, _, event_grid) if event_grid || end - at >= OFFLINE_AFTER_MS => {
            Some(at)
        }
        _ => None,
    }
}

/// A finding for the device's errors of one code, when it had any.
fn code_errors(index: u32, device: &Device, kind: FindingKind, series: &Series, code: u32) -> Option<Draft> {
    (!series.is_empty()).then(|| Draft::for_device(kind, index, device, series, &[code]))
}

/// 400027 on the device, with the masked IPs its connects came from.
fn duplicate_identity(index: u32, device: &Device) -> Option<Draft> {
    let mut draft =
        code_errors(index, device, FindingKind::DuplicateIdentity, &device.duplicate_identity, 400027)?;
    draft.details.ip_addresses = device.ips.clone();
    Some(draft)
}

/// 412002 on the device, with the message ids and the highest delivery count.
fn c2d_lock_lost(index: u32, device: &Device) -> Option<Draft> {
    let mut draft = code_errors(index, device, FindingKind::C2dLockLost, &device.lock_lost, 412002)?;
    draft.details.message_ids = device.lock_messages.keys().cloned().collect();
    draft.details.max_delivery_count = device.lock_messages.values().copied().max().filter(|&n| n > 0);
    Some(draft)
}

/// The device's final disconnect, when it went offline and is not already found drifting.
fn device_offline(index: u32, device: &Device, offline_at: Option<Millis>, drift: &Series) -> Option<Draft> {
    let device::State::Disconnected(at, source, _) = device.state else { return None };
    if offline_at.is_none() || drift.count >= DRIFT_MIN_ATTEMPTS {
        return None;
    }
    let mut series = Series::default();
    series.add(at, source);
    Some(Draft::for_device(FindingKind::DeviceOffline, index, device, &series, &[]))
}
