//! Incidents: disconnect errors (or Event Grid outages) of many devices of one hub close together, found
//! after every device's digest is in, from all of their candidates in time order.

use super::device::{Device, MAX_REFS};
use super::hub::MAX_TIMELINE;
use super::sorted_map::SortedMap;
use crate::logs::RecordRef;
use crate::time::Millis;
use iothub_errors_records::hash::FxHashMap;

/// Window in which disconnects of many devices count as one incident.
pub(super) const MASS_WINDOW_MS: Millis = 60_000;
/// Fewest devices for a mass disconnect, whatever the fleet size.
const MASS_MIN_DEVICES: usize = 5;
/// Share of the hub's devices (in percent) that must drop for a mass disconnect in large fleets.
const MASS_MIN_PERCENT: u64 = 2;

/// Disconnect errors of many devices close together.
#[derive(Debug, Default)]
pub(super) struct Incident {
    pub first: Millis,
    pub last: Millis,
    /// Events by device (index into the finished partial's devices).
    pub devices: SortedMap<u32, u64>,
    pub codes: SortedMap<u32, u64>,
    pub refs: Vec<RecordRef>,
    pub timeline: Vec<(Millis, u32, u32)>,
    pub failed_reconnects: u64,
    /// Span of the disconnects alone (failed reconnects come later).
    pub drops_first: Option<Millis>,
    pub drops_last: Option<Millis>,
}

impl Incident {
    fn add(&mut self, at: Millis, device: u32, code: u32, source: RecordRef, connect: bool) {
        if self.devices.is_empty() {
            self.first = at;
            self.last = at;
        }
        self.first = self.first.min(at);
        self.last = self.last.max(at);
        self.devices.bump(device);
        self.codes.bump(code);
        if connect {
            self.failed_reconnects += 1;
        } else {
            self.drops_first = Some(self.drops_first.map_or(at, |first| first.min(at)));
            self.drops_last = Some(self.drops_last.map_or(at, |last| last.max(at)));
        }
        if self.refs.len() < MAX_REFS * 2 {
            self.refs.push(source);
        }
        if self.timeline.len() < MAX_TIMELINE {
            self.timeline.push((at, device, code));
        }
    }

    pub fn covers(&self, at: Millis, slack_before: Millis, slack_after: Millis) -> bool {
        at >= self.first - slack_before && at <= self.last + slack_after
    }
}

/// The fewest devices that make an incident in a hub of `fleet` devices.
fn threshold(fleet: u64) -> usize {
    let share = fleet.saturating_mul(MASS_MIN_PERCENT) / 100;
    MASS_MIN_DEVICES.max(usize::try_from(share).unwrap_or(usize::MAX))
}

/// The incidents of one hub, from its devices (`(index, device)`) and its device count.
pub(super) fn detect(devices: &[(u32, &Device)], fleet: u64) -> Vec<Incident> {
    let needed = threshold(fleet);
    let mut incidents = from_candidates(devices, needed);
    incidents.extend(from_outages(devices, needed));
    incidents
}

/// Disconnect errors: a window of [`MASS_WINDOW_MS`] holding `needed` devices starts an incident, which
/// grows while errors keep coming within the window of its last one.
fn from_candidates(devices: &[(u32, &Device)], needed: usize) -> Vec<Incident> {
    let mut candidates: Vec<(Millis, u32, u32, bool, RecordRef)> = devices
        .iter()
        .flat_map(|&(index, device)| {
            device.candidates.iter().map(move |c| (c.at, index, c.code, c.connect, c.source))
        })
        .collect();
    crate::sort::sort(&mut candidates);
    let mut incidents: Vec<Incident> = Vec::new();
    let mut window_start = 0;
    let mut window_devices: FxHashMap<u32, u32> = FxHashMap::default();
    for (position, &(at, device, code, connect, source)) in candidates.iter().enumerate() {
        *window_devices.entry(device).or_default() += 1;
        while let Some(&(old_at, old_device, ..)) = candidates.get(window_start) {
            if at - old_at <= MASS_WINDOW_MS {
                break;
            }
            if let Some(n) = window_devices.get_mut(&old_device) {
                *n -= 1;
                if *n == 0 {
                    window_devices.remove(&old_device);
                }
            }
            window_start += 1;
        }
        if let Some(incident) = incidents.last_mut() {
            if at - incident.last <= MASS_WINDOW_MS {
                incident.add(at, device, code, source, connect);
                continue;
            }
        }
        if window_devices.len() >= needed {
            let mut incident = Incident::default();
            for &(when, who, what, connect, source) in
                candidates.get(window_start..=position).unwrap_or_default()
            {
                incident.add(when, who, what, source, connect);
            }
            incidents.push(incident);
        }
    }
    incidents
}

/// Event Grid carries no error codes: many devices whose outages start within one window form an incident.
fn from_outages(devices: &[(u32, &Device)], needed: usize) -> Vec<Incident> {
    let mut outages: Vec<(Millis, u32, RecordRef)> = devices
        .iter()
        .flat_map(|&(index, device)| device.outages.iter().map(move |&(at, source)| (at, index, source)))
        .collect();
    crate::sort::sort(&mut outages);
    let mut incidents = Vec::new();
    let mut start = 0;
    while let Some(&(first, ..)) = outages.get(start) {
        let end =
            outages.iter().skip(start).take_while(|&&(at, ..)| at - first <= MASS_WINDOW_MS).count() + start;
        let cluster = outages.get(start..end).unwrap_or_default();
        let mut members: Vec<u32> = cluster.iter().map(|&(_, device, _)| device).collect();
        crate::sort::sort(&mut members);
        members.dedup();
        if members.len() >= needed {
            let mut incident = Incident::default();
            for &(at, device, source) in cluster {
                incident.add(at, device, 0, source, false);
            }
            incident.codes.clear();
            incidents.push(incident);
            start = end;
        } else {
            start += 1;
        }
    }
    incidents
}
