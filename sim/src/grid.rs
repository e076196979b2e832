//! Event Grid connection-state events derived from the Connections records.
//!
//! IoT Hub publishes `DeviceConnected`/`DeviceDisconnected` from a 60-second snapshot of each device's state: all
//! changes inside one window collapse into one event for the state at the window's end, carrying the latest
//! sequence number. So a disconnect and reconnect within a minute show up as a `DeviceConnected` whose sequence
//! number jumped, and only outages that cross a window boundary produce a `DeviceDisconnected`.

use std::collections::HashMap;

use crate::rng::{fnv, mix};
use crate::{Category, Event, Level, Operation};

const WINDOW: i64 = 60_000;

/// One Event Grid event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GridEvent<'a> {
    pub(crate) time_ms: i64,
    /// Sub-millisecond ticks (0..10_000) of `eventTime`.
    pub(crate) ticks: u32,
    pub(crate) device: &'a str,
    /// The device's hub (device ids repeat across hubs).
    pub(crate) hub: u32,
    pub(crate) connected: bool,
    /// Middle part of the sequence number (constant per device).
    pub(crate) partition: u32,
    /// Counter part of the sequence number (grows with every connection change).
    pub(crate) counter: u64,
    /// Random bits for the event id.
    pub(crate) id: [u64; 2],
}

struct State {
    connected: bool,
    counter: u64,
    /// End of the window holding unpublished changes.
    pending: Option<i64>,
    phase: i64,
    partition: u32,
    hash: u64,
}

fn publish<'a>(out: &mut Vec<GridEvent<'a>>, (hub, device): (u32, &'a str), state: &State, window_end: i64) {
    let bits = mix(state.hash, window_end as u64);
    out.push(GridEvent {
        time_ms: window_end + (bits % 1000) as i64,
        ticks: ((bits >> 10) % 10_000) as u32,
        device,
        hub,
        connected: state.connected,
        partition: state.partition,
        counter: state.counter,
        id: [mix(bits, 1), mix(bits, 2)],
    });
}

/// Derives the events from the records (duplicates ignored, true order by `seq`), sorted by event time; a device
/// is its hub and its id.
pub(crate) fn derive(events: &[Event]) -> Vec<GridEvent<'_>> {
    let mut connection: Vec<&Event> =
        events.iter().filter(|e| !e.duplicate && e.category == Category::Connections).collect();
    connection.sort_by_key(|e| e.seq);
    let mut states: HashMap<(u32, &str), State> = HashMap::new();
    let mut out = Vec::new();
    for e in connection {
        let device: (u32, &str) = (e.hub, &e.device);
        let state = states.entry(device).or_insert_with(|| {
            // The first hub's devices keep the hash of their id alone; a namesake in another hub differs.
            let hash = match device.0 {
                0 => fnv(device.1.as_bytes()),
                hub => mix(fnv(device.1.as_bytes()), u64::from(hub)),
            };
            State {
                connected: false,
                counter: hash % 7 + 1,
                pending: None,
                phase: (hash >> 8) as i64 % WINDOW,
                partition: (hash >> 20) as u32 % 4 + 1,
                hash,
            }
        });
        let connected = match (e.operation, e.level, e.code) {
            (Operation::DeviceConnect, Level::Information, _) => true,
            // A link conflict or a kicked duplicate client leaves the device connected.
            (Operation::DeviceDisconnect, _, Some(409_002 | 400_027)) => continue,
            // A second disconnect record for the same drop (401003 then 404104) changes nothing.
            (Operation::DeviceDisconnect, _, _) if state.connected => false,
            _ => continue,
        };
        let window_end = state.phase + (e.time_ms - state.phase).div_euclid(WINDOW) * WINDOW + WINDOW;
        if let Some(pending) = state.pending
            && pending != window_end
        {
            publish(&mut out, device, state, pending);
        }
        // Every new connection or drop advances the sequence number, even connected -> connected.
        state.connected = connected;
        state.counter += 1;
        state.pending = Some(window_end);
    }
    for (&device, state) in &states {
        if let Some(pending) = state.pending {
            publish(&mut out, device, state, pending);
        }
    }
    out.sort_by(|a, b| (a.time_ms, a.ticks, a.device, a.hub).cmp(&(b.time_ms, b.ticks, b.device, b.hub)));
    out
}
