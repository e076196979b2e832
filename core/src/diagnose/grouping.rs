//! Groups the per-device findings of one kind and cause into one finding over all those devices, so that a
//! report on a fleet of thousands stays readable: one `device-offline` finding for 1,600 offline devices, not
//! 1,600 findings. The group lists every device; what is capped is the evidence, the timeline and the lists.
//!
//! Nothing here depends on the order of the drafts: a group is built with sums, minimums, maximums and sorted,
//! capped lists ordered by content (device names, times, record references), never by the order the drafts came
//! in.

use std::cmp::Reverse;

use super::findings::{Draft, MAX_TIMELINE};
use super::sorted_map::SortedMap;
use super::{FindingKind, Offender};
use crate::time::Millis;

/// Evidence references kept per group (as many as a token-renewal group or a hub-wide finding keeps).
const MAX_EVIDENCE: usize = 10;
/// Devices named as top offenders.
const MAX_OFFENDERS: usize = 5;
/// Message ids and IP addresses kept per group.
const MAX_LISTED: usize = 20;

/// True for the kinds the diagnosis reports per device (and, for 409002, per event). Token renewals are grouped
/// by the diagnosis itself (by quiet and SDK); mass disconnects, throttling bursts and the quota are hub-wide.
fn per_device(kind: FindingKind) -> bool {
    matches!(
        kind,
        FindingKind::NetworkDisconnect
            | FindingKind::TimeDrift
            | FindingKind::LinkConflictSideEffect
            | FindingKind::DuplicateIdentity
            | FindingKind::FileUploadLimit
            | FindingKind::C2dLockLost
            | FindingKind::C2dQueueFull
            | FindingKind::DeviceNotOnline
            | FindingKind::DeviceOffline
    )
}

/// True when two drafts belong to one group: same hub, kind and cause. A network disconnect is either seen
/// through error codes (404104, 5xx) or, without codes, as an Event Grid outage; a 409002 has its root cause.
/// The other kinds have one cause each.
fn same_group(a: &Draft, b: &Draft) -> bool {
    a.kind == b.kind
        && a.hub == b.hub
        && a.codes.is_empty() == b.codes.is_empty()
        && a.details.root_cause == b.details.root_cause
}

fn name(names: &[String], device: u32) -> &str {
    names.get(device as usize).map_or("", String::as_str)
}

/// Inserts `item` into the ascending `list` unless it is there already, keeping the first `cap` items.
fn insert_sorted<T: Ord>(list: &mut Vec<T>, item: T, cap: usize) {
    if let Err(at) = list.binary_search(&item) {
        if at < cap {
            list.insert(at, item);
            list.truncate(cap);
        }
    }
}

/// Merges the per-device drafts of the same hub, kind and cause into one draft per group; the other drafts pass
/// through. A group of one draft is returned as it is, so a small fleet reads exactly as before. The groups come
/// after the other drafts, in the order their kinds first appear: `findings::report` orders the findings.
pub(super) fn group(drafts: Vec<Draft>, names: &[String]) -> Vec<Draft> {
    let mut out = Vec::with_capacity(drafts.len());
    let mut groups: Vec<Vec<Draft>> = Vec::new();
    for draft in drafts {
        if !per_device(draft.kind) {
            out.push(draft);
        } else if let Some(group) =
            groups.iter_mut().find(|group| group.first().is_some_and(|head| same_group(head, &draft)))
        {
            group.push(draft);
        } else {
            groups.push(vec![draft]);
        }
    }
    out.extend(groups.into_iter().filter_map(|members| merge(members, names)));
    out
}

/// One draft from the drafts of one group. Every step is commutative (sums, minimums, sorted sets, the first
/// items of a sorted order), so the result does not depend on the order of the members.
fn merge(mut members: Vec<Draft>, names: &[String]) -> Option<Draft> {
    if members.len() == 1 {
        return members.pop();
    }
    let head = members.first()?;
    let mut group = Draft::new(head.kind);
    group.hub = head.hub.clone();
    group.details.root_cause = head.details.root_cause.clone();
    group.details.sdk = head.details.sdk.clone();
    group.details.period_minutes = head.details.period_minutes;
    group.quiet = true;
    // Each device's events, by name.
    let mut devices: SortedMap<&str, (u32, u64)> = SortedMap::default();
    let mut evidence = Vec::new();
    let mut timeline = Vec::new();
    let mut message_ids = Vec::new();
    let mut ip_addresses = Vec::new();
    // Reconnect minutes weighted by count, summed in thousandths of a minute so that the order does not count.
    let (mut weighted, mut weight) = (0i64, 0i64);
    for member in &members {
        for &device in &member.devices {
            devices.update(name(names, device), || (device, 0), |entry| entry.1 += member.count);
        }
        group.count += member.count;
        group.first = group.first.into_iter().chain(member.first).min();
        group.last = group.last.into_iter().chain(member.last).max();
        for &code in &member.codes {
            insert_sorted(&mut group.codes, code, usize::MAX);
        }
        for (&code, &n) in member.code_counts.iter() {
            group.code_counts.update(code, || 0, |total| *total += n);
        }
        // `Draft::for_device` keeps the evidence and the timeline of the same series: the i-th reference is the
        // record of the i-th event.
        for (i, &source) in member.evidence.iter().enumerate() {
            let at = member.timeline.get(i).map(|event| event.0).or(member.first).unwrap_or(Millis::MIN);
            insert_sorted(&mut evidence, (at, source), MAX_EVIDENCE);
        }
        for (i, &(at, device, code)) in member.timeline.iter().enumerate() {
            let who = device.map(|d| name(names, d));
            // Identical events stay apart (they read the same whichever comes first).
            insert_sorted(&mut timeline, (at, who, code, device, i, member.first), MAX_TIMELINE);
        }
        let details = &member.details;
        for id in &details.message_ids {
            insert_sorted(&mut message_ids, id.as_str(), MAX_LISTED);
        }
        for ip in &details.ip_addresses {
            insert_sorted(&mut ip_addresses, ip.as_str(), MAX_LISTED);
        }
        if let Some(minutes) = details.reconnect_minutes {
            let count = i64::try_from(member.count).unwrap_or(i64::MAX);
            weighted = weighted.saturating_add(((minutes * 1000.0).round() as i64).saturating_mul(count));
            weight = weight.saturating_add(count);
        }
        group.details.max_delivery_count = group.details.max_delivery_count.max(details.max_delivery_count);
        if group.details.sdk != details.sdk {
            group.details.sdk = None;
        }
        if group.details.period_minutes != details.period_minutes {
            group.details.period_minutes = None;
        }
        group.quiet &= member.quiet;
        group.failed_reconnects += member.failed_reconnects;
        group.drop_span = match (group.drop_span, member.drop_span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (span, None) | (None, span) => span,
        };
    }
    if weight > 0 {
        group.details.reconnect_minutes = Some(weighted as f64 / weight as f64 / 1000.0);
    }
    group.evidence = evidence.into_iter().map(|(_, source)| source).collect();
    group.timeline = timeline.into_iter().map(|(at, _, code, device, ..)| (at, device, code)).collect();
    group.details.message_ids = message_ids.into_iter().map(str::to_owned).collect();
    group.details.ip_addresses = ip_addresses.into_iter().map(str::to_owned).collect();
    // Every device once, by name; the top offenders have the most events (ties by name).
    let mut top = Vec::new();
    for (&device, &(index, count)) in devices.iter() {
        group.devices.push(index);
        insert_sorted(&mut top, (Reverse(count), device), MAX_OFFENDERS);
    }
    if group.devices.len() > 1 {
        group.details.top_offenders = top
            .into_iter()
            .map(|(Reverse(count), device)| Offender { device: device.to_owned(), count })
            .collect();
    }
    Some(group)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::RecordRef;

    fn names(n: usize) -> Vec<String> {
        // Indexes in another order than names, so that an order by index would show.
        (0..n).map(|i| format!("dev-{:03}", (i * 7 + 3) % n)).collect()
    }

    /// A per-device draft as `Draft::for_device` makes it: `times` of the device's events, a reference each.
    fn draft(kind: FindingKind, device: u32, times: &[Millis], codes: &[u32]) -> Draft {
        let mut draft = Draft::new(kind);
        draft.devices = vec![device];
        draft.codes = codes.to_vec();
        draft.count = times.len() as u64;
        draft.first = times.iter().copied().min();
        draft.last = times.iter().copied().max();
        draft.evidence = times
            .iter()
            .take(5)
            .map(|&at| RecordRef { input: 0, line: at as u64 / 1000, index: at as u64 / 1000 })
            .collect();
        draft.timeline = times.iter().map(|&at| (at, Some(device), codes.first().copied())).collect();
        draft
    }

    /// A fleet's drafts: offline devices, network disconnects of both kinds, link conflicts of three causes,
    /// one file-upload device and a token-renewal group (which passes through).
    fn fleet() -> (Vec<Draft>, Vec<String>) {
        let names = names(40);
        let mut drafts = Vec::new();
        for device in 0..30 {
            drafts.push(draft(
                FindingKind::DeviceOffline,
                device,
                &[1_000_000 + i64::from(device % 7) * 1000],
                &[],
            ));
        }
        for device in 0..12u32 {
            let times: Vec<Millis> = (0..=i64::from(device % 4))
                .map(|i| 2_000_000 + i64::from(device) * 1_000 + i * 90_000)
                .collect();
            let mut network = draft(FindingKind::NetworkDisconnect, device, &times, &[404104]);
            network.details.reconnect_minutes = Some(f64::from(device) + 0.5);
            network.details.sdk = Some(if device % 2 == 0 { ".NET" } else { "Java" }.to_owned());
            drafts.push(network);
        }
        for device in 12..15 {
            let mut outage = draft(FindingKind::NetworkDisconnect, device, &[3_000_000], &[]);
            outage.details.reconnect_minutes = Some(2.0);
            outage.details.sdk = Some("Node".to_owned());
            drafts.push(outage);
        }
        for (device, cause) in [
            (31, Some("mass-disconnect")),
            (32, Some("mass-disconnect")),
            (33, Some("404104")),
            (33, Some("404104")),
            (34, None),
        ] {
            let mut link = draft(
                FindingKind::LinkConflictSideEffect,
                device,
                &[4_000_000 + i64::from(device)],
                &[409002],
            );
            link.details.root_cause = cause.map(str::to_owned);
            drafts.push(link);
        }
        drafts.push(draft(FindingKind::FileUploadLimit, 35, &[5_000_000, 5_060_000, 5_120_000], &[403006]));
        let mut renewal = draft(FindingKind::SasTokenRenewal, 36, &[6_000_000], &[401003, 404104]);
        renewal.devices.push(37);
        drafts.push(renewal);
        (drafts, names)
    }

    fn device_names(draft: &Draft, names: &[String]) -> Vec<String> {
        draft.devices.iter().map(|&d| name(names, d).to_owned()).collect()
    }

    /// Everything a finding is made from, comparable (in an order of content: `findings::report` orders them).
    fn summary(drafts: &[Draft], names: &[String]) -> Vec<String> {
        let mut summary: Vec<String> = drafts
            .iter()
            .map(|d| {
                format!(
                    "{:?} {:?} {:?} {:?} {:?} {} {:?} {:?} {:?} {:?} {:?} {}",
                    d.kind,
                    d.hub,
                    device_names(d, names),
                    d.codes,
                    (d.first, d.last),
                    d.count,
                    d.evidence,
                    d.timeline
                        .iter()
                        .map(|e| (e.0, e.1.map(|x| name(names, x).to_owned()), e.2))
                        .collect::<Vec<_>>(),
                    d.details,
                    d.code_counts.iter().collect::<Vec<_>>(),
                    d.drop_span,
                    d.quiet
                )
            })
            .collect();
        summary.sort();
        summary
    }

    #[test]
    fn the_result_does_not_depend_on_the_order_of_the_drafts() {
        let (drafts, names) = fleet();
        let expected = summary(&group(drafts.clone(), &names), &names);
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..50 {
            let mut shuffled = drafts.clone();
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            assert_eq!(summary(&group(shuffled, &names), &names), expected);
        }
        let mut reversed = drafts;
        reversed.reverse();
        assert_eq!(summary(&group(reversed, &names), &names), expected);
    }

    #[test]
    fn drafts_of_one_kind_and_cause_make_one_group() {
        let (drafts, names) = fleet();
        let groups = group(drafts, &names);
        let mut kinds: Vec<(FindingKind, usize, u64, Option<&str>, bool)> = groups
            .iter()
            .map(|d| (d.kind, d.devices.len(), d.count, d.details.root_cause.as_deref(), d.codes.is_empty()))
            .collect();
        kinds.sort();
        assert_eq!(
            kinds,
            [
                (FindingKind::SasTokenRenewal, 2, 1, None, false),
                (FindingKind::NetworkDisconnect, 3, 3, None, true),
                (FindingKind::NetworkDisconnect, 12, 30, None, false),
                (FindingKind::LinkConflictSideEffect, 1, 1, None, false),
                (FindingKind::LinkConflictSideEffect, 1, 2, Some("404104"), false),
                (FindingKind::LinkConflictSideEffect, 2, 2, Some("mass-disconnect"), false),
                (FindingKind::FileUploadLimit, 1, 3, None, false),
                (FindingKind::DeviceOffline, 30, 30, None, true),
            ]
        );
    }

    #[test]
    fn each_hub_has_its_own_groups() {
        let names = names(6);
        let drafts: Vec<Draft> = (0..6)
            .map(|device| {
                let mut offline =
                    draft(FindingKind::DeviceOffline, device, &[1_000 * i64::from(device)], &[]);
                offline.hub = Some(if device < 4 { "hub-a" } else { "hub-b" }.to_owned());
                offline
            })
            .collect();
        let mut groups: Vec<(Option<String>, usize)> =
            group(drafts, &names).into_iter().map(|d| (d.hub, d.devices.len())).collect();
        groups.sort();
        assert_eq!(groups, [(Some("hub-a".to_owned()), 4), (Some("hub-b".to_owned()), 2)]);
    }

    #[test]
    fn a_group_of_one_draft_is_that_draft() {
        let names = names(3);
        let mut only = draft(FindingKind::C2dLockLost, 2, &[5_000, 1_000, 3_000], &[412002]);
        only.details.message_ids = vec!["m-2".to_owned(), "m-1".to_owned()];
        only.details.sdk = Some("C".to_owned());
        let before = summary(std::slice::from_ref(&only), &names);
        let groups = group(vec![only], &names);
        assert_eq!(summary(&groups, &names), before);
        assert!(groups[0].details.top_offenders.is_empty());
    }

    #[test]
    fn one_device_with_several_drafts_stays_one_device() {
        // 409002 comes as one draft per event; a device's conflicts of one cause make one finding about it.
        let names = names(3);
        let drafts: Vec<Draft> = [7_000, 1_000, 4_000]
            .iter()
            .map(|&at| {
                let mut link = draft(FindingKind::LinkConflictSideEffect, 1, &[at], &[409002]);
                link.details.root_cause = Some("404104".to_owned());
                link
            })
            .collect();
        let groups = group(drafts, &names);
        assert_eq!(groups.len(), 1);
        let link = &groups[0];
        assert_eq!(
            (link.devices.as_slice(), link.count, link.first, link.last),
            (&[1][..], 3, Some(1_000), Some(7_000))
        );
        assert_eq!(link.timeline.iter().map(|e| e.0).collect::<Vec<_>>(), [1_000, 4_000, 7_000]);
        assert!(
            link.details.top_offenders.is_empty(),
            "a group of one device reads as that device's finding"
        );
    }

    #[test]
    fn groups_count_every_device_and_name_the_top_offenders() {
        let (drafts, names) = fleet();
        let groups = group(drafts, &names);
        let network =
            groups.iter().find(|d| d.kind == FindingKind::NetworkDisconnect && !d.codes.is_empty()).unwrap();
        // Devices by name, each once.
        let listed = device_names(network, &names);
        let mut sorted = listed.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(listed, sorted);
        assert_eq!(listed.len(), 12);
        // Device d has d % 4 + 1 disconnects: 3, 7 and 11 have four each, then the threes by name.
        let top: Vec<(String, u64)> =
            network.details.top_offenders.iter().map(|o| (o.device.clone(), o.count)).collect();
        let count_of = |device: u32| u64::from(device % 4 + 1);
        let mut expected: Vec<(String, u64)> =
            (0..12).map(|d| (name(&names, d).to_owned(), count_of(d))).collect();
        expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        expected.truncate(5);
        assert_eq!(top, expected);
        assert_eq!(network.count, (0..12).map(count_of).sum::<u64>());
        // Reconnect minutes: the mean of the devices' means, weighted by their disconnects.
        let weighted: f64 =
            (0..12).map(|d| (f64::from(d) + 0.5) * count_of(d) as f64).sum::<f64>() / network.count as f64;
        assert!((network.details.reconnect_minutes.unwrap() - weighted).abs() < 1e-9);
        // The SDKs differ, so none is named; the Event Grid outages all come from Node.
        assert_eq!(network.details.sdk, None);
        let outages =
            groups.iter().find(|d| d.kind == FindingKind::NetworkDisconnect && d.codes.is_empty()).unwrap();
        assert_eq!(outages.details.sdk.as_deref(), Some("Node"));
        assert_eq!(outages.details.reconnect_minutes, Some(2.0));
        // The earliest evidence and timeline events, in time order.
        assert_eq!(network.evidence.len(), 10);
        assert!(network.evidence.windows(2).all(|w| w[0].line <= w[1].line));
        let mut times: Vec<Millis> = groups
            .iter()
            .filter(|d| d.kind == FindingKind::NetworkDisconnect && !d.codes.is_empty())
            .flat_map(|d| d.timeline.iter().map(|e| e.0))
            .collect();
        let sorted_times = {
            let mut t = times.clone();
            t.sort();
            t
        };
        assert_eq!(times, sorted_times);
        times.truncate(10);
        assert_eq!(network.evidence.iter().map(|r| r.line as i64 * 1000).collect::<Vec<_>>(), times);
        // Offline devices each count once: the top offenders are the first by name.
        let offline = groups.iter().find(|d| d.kind == FindingKind::DeviceOffline).unwrap();
        assert_eq!(offline.details.top_offenders.iter().map(|o| o.count).collect::<Vec<_>>(), [1; 5]);
        assert_eq!(offline.details.top_offenders[0].device, "dev-000");
        assert_eq!((offline.first, offline.last), (Some(1_000_000), Some(1_006_000)));
    }

    #[test]
    fn lists_are_merged_and_capped() {
        let names = names(30);
        let drafts: Vec<Draft> = (0..30)
            .map(|device| {
                let mut lock =
                    draft(FindingKind::C2dLockLost, device, &[1_000 * i64::from(device)], &[412002]);
                lock.details.message_ids = vec![format!("m-{:02}", device % 25), "shared".to_owned()];
                lock.details.max_delivery_count = Some(device % 6);
                lock
            })
            .collect();
        let lock = &group(drafts, &names)[0];
        assert_eq!(lock.details.message_ids.len(), MAX_LISTED);
        assert_eq!(lock.details.message_ids[0], "m-00");
        assert_eq!(lock.details.max_delivery_count, Some(5));
        assert_eq!(lock.devices.len(), 30);
        let timeline: Vec<Draft> = (0..3)
            .map(|device| {
                let times: Vec<Millis> = (0..100).map(|i| i * 3 + i64::from(device)).collect();
                draft(FindingKind::C2dQueueFull, device, &times, &[403004])
            })
            .collect();
        let full = &group(timeline, &names)[0];
        assert_eq!(full.timeline.len(), MAX_TIMELINE);
        assert_eq!(full.timeline.iter().map(|e| e.0).collect::<Vec<_>>(), (0..200).collect::<Vec<_>>());
    }
}
