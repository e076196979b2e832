//! Turns detected patterns into findings a person can act on: title, explanation, ordered actions, links.

use crate::kql::{self, FindingQueries, KqlTable};

use super::device::{Device, Series};
use super::sorted_map::SortedMap;
use super::summary::Summary;
use super::{Details, EntryLink, FindingKind, FleetFinding, Report, TimelineEvent};
use crate::logs::RecordRef;
use crate::model::Severity;
use crate::time::{self, Millis};

/// Timeline events kept per finding.
pub(super) const MAX_TIMELINE: usize = 200;

/// A detected pattern before it is put into words.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub kind: FindingKind,
    /// The hub of the devices, when known.
    pub hub: Option<String>,
    pub devices: Vec<u32>,
    pub codes: Vec<u32>,
    pub code_counts: SortedMap<u32, u64>,
    pub first: Option<Millis>,
    pub last: Option<Millis>,
    pub count: u64,
    pub evidence: Vec<RecordRef>,
    /// (time, device, code)
    pub timeline: Vec<(Millis, Option<u32>, Option<u32>)>,
    pub details: Details,
    /// A renewal seen only as error-free reconnects.
    pub quiet: bool,
    pub failed_reconnects: u64,
    /// First and last disconnect of a mass disconnect.
    pub drop_span: Option<(Millis, Millis)>,
}

impl Draft {
    pub fn new(kind: FindingKind) -> Draft {
        Draft {
            kind,
            hub: None,
            devices: Vec::new(),
            codes: Vec::new(),
            code_counts: SortedMap::default(),
            first: None,
            last: None,
            count: 0,
            evidence: Vec::new(),
            timeline: Vec::new(),
            details: Details::default(),
            quiet: false,
            failed_reconnects: 0,
            drop_span: None,
        }
    }

    /// Merges another device's draft of the same kind into this one (devices, counts, span, evidence).
    pub fn absorb(&mut self, other: Draft) {
        const MAX_EVIDENCE: usize = 10;
        self.devices.extend(other.devices);
        self.codes = other.codes;
        self.quiet = other.quiet;
        self.count += other.count;
        self.first = self.first.into_iter().chain(other.first).min();
        self.last = self.last.into_iter().chain(other.last).max();
        let room = MAX_EVIDENCE.saturating_sub(self.evidence.len());
        self.evidence.extend(other.evidence.into_iter().take(room));
        let room = MAX_TIMELINE.saturating_sub(self.timeline.len());
        self.timeline.extend(other.timeline.into_iter().take(room));
    }

    /// A finding about one device, from one series of its events.
    pub fn for_device(
        kind: FindingKind,
        index: u32,
        device: &Device,
        series: &Series,
        codes: &[u32],
    ) -> Draft {
        let mut draft = Draft::new(kind);
        draft.devices = vec![index];
        draft.codes = codes.to_vec();
        draft.first = series.first;
        draft.last = series.last;
        draft.count = series.count;
        draft.evidence = series.refs.clone();
        draft.timeline = series.times.iter().map(|&at| (at, Some(index), codes.first().copied())).collect();
        draft.details.sdk = device.sdk.clone();
        draft
    }
}

/// Groups the per-device drafts of one hub, kind and cause, puts every draft into words and orders the findings: most
/// severe first, then by time.
pub(super) fn report(summary: Summary, drafts: Vec<Draft>, names: &[String]) -> Report {
    let drafts = super::grouping::group(drafts, names);
    let mut findings: Vec<FleetFinding> = drafts.into_iter().map(|draft| finding(draft, names)).collect();
    crate::sort::sort_by(&mut findings, |a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.first.cmp(&b.first))
            .then_with(|| a.devices.cmp(&b.devices))
            .then_with(|| a.hub.cmp(&b.hub))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.title.cmp(&b.title))
    });
    Report { recognised: summary.records_read > 0, summary, findings }
}

fn finding(draft: Draft, names: &[String]) -> FleetFinding {
    let name = |index: &u32| names.get(*index as usize).cloned().unwrap_or_default();
    let devices: Vec<String> = draft.devices.iter().map(name).collect();
    // A group's `{device}` is its top offender.
    let device = match draft.details.top_offenders.first() {
        Some(top) if devices.len() > 1 => top.device.clone(),
        _ => devices.first().cloned().unwrap_or_default(),
    };
    let words = Words::new(&draft, &device);
    let Wording { severity, title, explanation, actions } = match draft.kind {
        FindingKind::SasTokenRenewal => words.renewal(),
        FindingKind::NetworkDisconnect => words.network(),
        FindingKind::MassDisconnect => words.mass(devices.len()),
        FindingKind::LinkConflictSideEffect => words.link_conflict(),
        FindingKind::DuplicateIdentity => words.duplicate_identity(),
        FindingKind::TimeDrift => words.time_drift(),
        FindingKind::ThrottlingBurst => words.throttling(),
        FindingKind::QuotaExceeded => words.quota(),
        FindingKind::FileUploadLimit => words.file_upload(),
        FindingKind::C2dLockLost => words.lock_lost(),
        FindingKind::C2dQueueFull => words.queue_full(),
        FindingKind::DeviceOffline => words.offline(),
        FindingKind::DeviceNotOnline => words.not_online(),
    };
    let entries = draft
        .codes
        .iter()
        .filter_map(|&code| {
            let entry = crate::catalog::find_code(code)?;
            Some(EntryLink { code, name: entry.name, doc_url: entry.doc_url })
        })
        .collect();
    let mut timeline: Vec<TimelineEvent> = draft
        .timeline
        .iter()
        .take(MAX_TIMELINE)
        .map(|&(at, device, code)| TimelineEvent {
            time: time::format(at),
            time_ms: at,
            device: device.map(|d| name(&d)).unwrap_or_default(),
            code,
        })
        .collect();
    crate::sort::sort_by(&mut timeline, |a, b| {
        (a.time_ms, &a.device, a.code).cmp(&(b.time_ms, &b.device, b.code))
    });
    let mut finding = FleetFinding {
        kind: draft.kind,
        hub: draft.hub,
        severity,
        title,
        devices,
        codes: draft.codes,
        first: draft.first.map(time::format),
        last: draft.last.map(time::format),
        count: draft.count,
        evidence: draft.evidence,
        explanation,
        actions: actions.iter().map(|action| with_device(action, &device)).collect(),
        entries,
        details: draft.details,
        timeline,
        kql: FindingQueries::default(),
    };
    finding.kql = kql::finding_queries(&finding, &KqlTable::default());
    finding
}

/// A finding's words: how severe it is, its title, the explanation and the ordered actions (`{device}` in an
/// action is replaced by the device's name).
struct Wording {
    severity: Severity,
    title: String,
    explanation: String,
    actions: &'static [&'static str],
}

/// The wording of each kind, filled with the draft's facts. A per-device kind grouped over several devices has
/// its own wording (`Words::*_group`), naming the device count and the top offenders; its `device` is the top
/// offender.
struct Words<'a> {
    draft: &'a Draft,
    device: &'a str,
}

impl<'a> Words<'a> {
    fn new(draft: &'a Draft, device: &'a str) -> Words<'a> {
        Words { draft, device }
    }

    fn first(&self) -> String {
        self.draft.first.map(time::format).unwrap_or_else(|| "an unknown time".into())
    }

    fn span_seconds(&self) -> i64 {
        self.draft.last.zip(self.draft.first).map_or(0, |(last, first)| (last - first) / 1000)
    }

    fn renewal(&self) -> Wording {
        let period = self
            .draft
            .details
            .period_minutes
            .map(|p| format!(" about every {} min", fixed(p, 0)))
            .unwrap_or_default();
        let sdk = self.draft.details.sdk.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
        let who = match self.draft.devices.len() {
            1 => self.device.to_owned(),
            n => format!("{n} devices"),
        };
        let (title, explanation) = if self.draft.quiet {
            (
                format!("{who}{sdk}: routine reconnects{period}, most likely SAS token renewal"),
                format!(
                    "{who} closed and reopened the connection {} time(s){period}, each time back within a minute and \
                     without any error. The Node.js, C and Python SDKs renew their SAS token this way, and Event Grid \
                     shows the same quick reconnects (it gives no reason, so confirm in the Connections resource logs). \
                     This is expected behaviour, not a fault.",
                    self.draft.count
                ),
            )
        } else {
            (
                format!("{who}{sdk}: benign SAS token renewal cycle{period}"),
                format!(
                    "{} time(s){period} the hub closed an MQTT connection of {who} when its SAS token expired \
                     (401003 IotHubUnauthorized, then 404104 DeviceConnectionClosedRemotely) and the device was back \
                     within a minute with a new token. The .NET and Java SDKs renew tokens this way: the period is the \
                     token lifetime plus up to 10 minutes of grace. Nothing is wrong.",
                    self.draft.count
                ),
            )
        };
        let actions = &[
            "No action needed: leave these cycles out of alerts (alert on a 404104 that has no 401003 just before it, or on devices that stay disconnected).",
            "If the reconnects are too frequent, lengthen the SDK's token lifetime where it is configurable, or use AMQP, which renews tokens without dropping the connection.",
        ];
        Wording { severity: Severity::Info, title, explanation, actions }
    }

    fn network(&self) -> Wording {
        if let Some(devices) = self.group() {
            return self.grouped(devices, self.network_group());
        }
        let back = self
            .draft
            .details
            .reconnect_minutes
            .map(|m| format!(" It was back after {} min on average.", fixed(m, 1)))
            .unwrap_or_default();
        let title = if self.draft.codes.is_empty() {
            let outage = self
                .draft
                .details
                .reconnect_minutes
                .map(|m| format!(" for {} min", fixed(m, 1)))
                .unwrap_or_default();
            format!("{}: disconnected{outage} {} time(s), then back", self.device, self.draft.count)
        } else {
            format!("{}: {} unexpected disconnect(s) without token expiry", self.device, self.draft.count)
        };
        let explanation = if self.draft.codes.is_empty() {
            format!(
                "Event Grid shows the device disconnected and reconnecting only after more than a minute, starting at {}.{back} \
                 Event Grid carries no reason: look up 404104 and other errors of the device in the Connections resource logs.",
                self.first()
            )
        } else {
            format!(
                "The hub closed the connection with 404104 DeviceConnectionClosedRemotely and no token expiry (401003) \
                 came before it, so this is not a renewal. The usual causes sit on the device's side: connectivity lost \
                 for longer than 1.5 times the MQTT keep-alive, a TCP reset without an MQTT DISCONNECT, or the \
                 application crashing or restarting.{back}"
            )
        };
        let actions = &[
            "Check the device's network at those times (signal, gateway, firewall or NAT idle timeouts) and its application logs for crashes or restarts.",
            "Run a current Azure IoT SDK: older versions had reconnect bugs that end in abrupt socket closes.",
            "Keep the MQTT keep-alive at its default on unreliable networks; a longer one only delays detection.",
            "Alert on devices that stay disconnected, not on every 404104.",
        ];
        Wording { severity: Severity::Warning, title, explanation, actions }
    }

    fn mass(&self, devices: usize) -> Wording {
        let codes: Vec<String> = self.draft.codes.iter().map(u32::to_string).collect();
        let window =
            self.draft.drop_span.map_or_else(|| self.span_seconds(), |(first, last)| (last - first) / 1000);
        let title = format!(
            "{devices} devices dropped within {window} s ({}): transient fault on the service side",
            codes.join(", ")
        );
        let failed = match self.draft.failed_reconnects {
            0 => String::new(),
            n => format!(" {n} first reconnect attempt(s) failed as well."),
        };
        let back = self
            .draft
            .details
            .reconnect_minutes
            .map(|m| format!(" Devices were back after {} min on average.", fixed(m, 1)))
            .unwrap_or_default();
        let how = if self.draft.quiet {
            "(Event Grid reports no error codes; the Connections resource logs of that minute show them)"
        } else {
            "with server errors (500xxx) and 404104"
        };
        let explanation = format!(
            "Starting at {}, {devices} devices lost their connection at nearly the same moment {how}. Faults on \
             devices or their networks do not line up like this across a fleet; the cause is a transient fault \
             inside IoT Hub, such as a node restarting or failing over.{failed}{back}",
            self.first()
        );
        let actions = &[
            "Change nothing on the devices: SDK retries with exponential backoff and jitter bring them back. Make sure your devices add jitter so they do not reconnect in lockstep.",
            "Check the hub's Resource Health and the Azure status page for an incident at that time; expect a dip in the Connected devices metric.",
            "If it recurs or lasts, open a support case with these times and the tracking IDs; for long regional outages consider manual failover.",
        ];
        Wording { severity: Severity::Warning, title, explanation, actions }
    }

    fn link_conflict(&self) -> Wording {
        if let Some(devices) = self.group() {
            return self.grouped(devices, self.link_conflict_group());
        }
        match self.draft.details.root_cause.as_deref() {
            Some(cause) => {
                let cause_words = if cause == "mass-disconnect" {
                    "the mass disconnect at the same time".to_owned()
                } else {
                    let name = cause
                        .parse()
                        .ok()
                        .and_then(crate::catalog::find_code)
                        .map(|entry| format!(" {}", entry.name))
                        .unwrap_or_default();
                    format!("the earlier {cause}{name} of this device")
                };
                Wording {
                    severity: Severity::Info,
                    title: format!("{}: 409002 LinkCreationConflict, a side effect of {cause_words}", self.device),
                    explanation: format!(
                        "The device reconnected while the hub still held its previous link, so the hub closed the old \
                         link with 409002 LinkCreationConflict. The root cause is {cause_words}; 409002 itself needs no \
                         action."
                    ),
                    actions: &[
                        "Follow the finding of the root cause instead of this one.",
                        "Do not alert on 409002 that comes right after a disconnect.",
                    ],
                }
            }
            None => Wording {
                severity: Severity::Warning,
                title: format!("{}: 409002 LinkCreationConflict with no failure before it", self.device),
                explanation: "The hub closed an existing link because the same device opened another one, and no disconnect error \
                 came first. The device code probably connects again while its first connection is still open, or a \
                 second client uses the identity."
                    .to_owned(),
                actions: &[
                    "Open a new connection only after the current one has really dropped (watch the SDK's connection status callback).",
                    "Make sure only one client instance runs per device identity; look for 400027 on {device}.",
                ],
            },
        }
    }

    fn duplicate_identity(&self) -> Wording {
        if let Some(devices) = self.group() {
            return self.grouped(devices, self.duplicate_identity_group());
        }
        let ips = &self.draft.details.ip_addresses;
        let from =
            if ips.len() > 1 { format!(" Connects came from {}.", ips.join(", ")) } else { String::new() };
        Wording {
            severity: Severity::Error,
            title: format!(
                "{}: two clients share this device identity ({} forced closes)",
                self.device, self.draft.count
            ),
            explanation: format!(
                "IoT Hub keeps one connection per device identity. When another client connects with the same \
                 identity the current connection is closed with 400027 ConnectionForcefullyClosedOnNewConnection, and \
                 two clients keep pushing each other off.{from}"
            ),
            actions: &[
                "Find the second client: compare the masked IP addresses and sdkVersion of the connects, and look for cloned images, copied credentials or a test tool using the production identity.",
                "Give every client its own device or module identity (az iot hub device-identity create).",
                "Renew the identity's keys (az iot hub device-identity renew-key) so that only the rightful client can connect.",
            ],
        }
    }

    fn time_drift(&self) -> Wording {
        if let Some(devices) = self.group() {
            return self.grouped(devices, self.time_drift_group());
        }
        Wording {
            severity: Severity::Error,
            title: format!(
                "{}: every connect refused with 401003 since {}, while other devices connect",
                self.device,
                self.first()
            ),
            explanation: format!(
                "The device had connected successfully before; since {} all {} connection attempts were refused as \
                 unauthorized while other devices of the hub kept connecting. The most likely cause is a device clock \
                 more than about five minutes off, which makes every SAS token it signs look expired or not yet valid. \
                 A rotated or revoked key, an expired certificate or a disabled identity look the same: rule them out.",
                self.first(),
                self.draft.count
            ),
            actions: &[
                "Sync the device clock with NTP, or reboot the device if it sets its clock at boot.",
                "Schedule a periodic NTP sync (daily to monthly, depending on how fast the clock drifts), or a periodic reboot where NTP is not available.",
                "If the clock is right, compare the device's key or certificate with the registry (az iot hub device-identity show) and check that the identity is enabled.",
            ],
        }
    }

    fn throttling(&self) -> Wording {
        let top = self.draft.details.top_offenders.first();
        let share = top.map(|o| o.count * 100 / self.draft.count.max(1)).unwrap_or(0);
        let codes: Vec<String> =
            self.draft.code_counts.iter().map(|(code, n)| format!("{n} × {code}")).collect();
        let title = match top {
            Some(top) => format!(
                "{} throttling errors in {} s ({}); top offender {} ({}%)",
                self.draft.count,
                self.span_seconds(),
                codes.join(", "),
                top.device,
                share
            ),
            None => format!(
                "{} throttling errors in {} s ({})",
                self.draft.count,
                self.span_seconds(),
                codes.join(", ")
            ),
        };
        let backlog = if self.draft.code_counts.keys().any(|&c| c == 429002 || c == 429003) {
            " Requests that waited behind the throttle also overflowed or timed out in the hub's backlog (429002/429003)."
        } else {
            ""
        };
        let explanation = format!(
            "Starting at {}, the hub rejected operations because they exceeded what its tier and number of units \
             allow. The hub absorbs short bursts first, so these errors mean the excess lasted.{backlog}{}",
            self.first(),
            top.map(|t| format!(" {} caused {share}% of them.", t.device)).unwrap_or_default()
        );
        Wording {
            severity: Severity::Warning,
            title,
            explanation,
            actions: &[
                "Slow down or batch the top offenders' sends (several readings per message) and spread traffic over time.",
                "Compare the Telemetry message send attempts metric with your tier's limit; only 429001 has a metric (Number of throttling errors), the other 429xxx codes show only in logs.",
                "If the load is legitimate, add units or move the hub to a higher tier.",
                "Retry throttled operations with exponential backoff and jitter, starting around 10 s.",
            ],
        }
    }

    fn quota(&self) -> Wording {
        Wording {
            severity: Severity::Critical,
            title: format!("Daily message quota exhausted: {} operations refused with 403002 from {}", self.draft.count, self.first()),
            explanation: "The hub used up its daily message allowance, so it refuses messages and many other operations until the \
             quota resets at 00:00 UTC. The portal's device list may not load meanwhile."
                .to_owned(),
            actions: &[
                "To restore service now, add units or move the hub to a higher tier; otherwise wait for 00:00 UTC.",
                "Find what consumed the quota: the devices listed as top offenders, chatty twin queries or direct methods (each counts as messages).",
                "Set an alert on the Total number of messages used metric well below the daily limit.",
            ],
        }
    }

    fn file_upload(&self) -> Wording {
        if let Some(devices) = self.group() {
            return self.grouped(devices, self.file_upload_group());
        }
        Wording {
            severity: Severity::Error,
            title: format!("{}: more than 10 file uploads open at once (403006, {} times)", self.device, self.draft.count),
            explanation: "A device may have at most 10 file uploads in progress. An upload stays open until the device sends the \
             completion notification or its SAS URI expires, so a device that starts uploads without notifying \
             completion (often after network failures) runs into the limit."
                .to_owned(),
            actions: &[
                "Always send the file-upload completion notification, with a failure status when the upload failed.",
                "Shorten the file-upload SAS TTL of the hub so abandoned uploads expire sooner.",
                "Queue uploads on the device and keep fewer than 10 in flight.",
            ],
        }
    }

    fn lock_lost(&self) -> Wording {
        if let Some(devices) = self.group() {
            return self.grouped(devices, self.lock_lost_group());
        }
        let ids = &self.draft.details.message_ids;
        let which = if ids.is_empty() {
            "C2D messages".to_owned()
        } else {
            format!("C2D message(s) {}", ids.join(", "))
        };
        let deliveries = self
            .draft
            .details
            .max_delivery_count
            .map(|n| format!(" The delivery count reached {n}."))
            .unwrap_or_default();
        Wording {
            severity: Severity::Warning,
            title: format!(
                "{}: {which} completed too late and redelivered (412002, {} times)",
                self.device, self.draft.count
            ),
            explanation: format!(
                "A received cloud-to-device message is locked for one minute. The device completed it after the lock \
                 had expired, so the hub had already put it back in the queue and delivered it again.{deliveries} The \
                 one-minute lock cannot be changed."
            ),
            actions: &[
                "Complete, reject or abandon each C2D message within a minute of receiving it; persist it first and do long work afterwards.",
                "Make message handling idempotent: the same message can arrive more than once.",
            ],
        }
    }

    fn queue_full(&self) -> Wording {
        if let Some(devices) = self.group() {
            return self.grouped(devices, self.queue_full_group());
        }
        Wording {
            severity: Severity::Error,
            title: format!("{}: cloud-to-device queue full (403004, {} times)", self.device, self.draft.count),
            explanation: "A device's cloud-to-device queue holds at most 50 messages; further sends fail until the device takes \
             messages off it. Usually the device polls rarely over HTTPS, is offline, or never completes messages."
                .to_owned(),
            actions: &[
                "Receive C2D messages over MQTT or AMQP so they are delivered as they arrive.",
                "Complete, reject or abandon messages promptly on the device.",
                "Send fewer C2D messages or give them a shorter expiry; purge a stale queue (az iot device c2d-message purge).",
            ],
        }
    }

    fn offline(&self) -> Wording {
        if let Some(devices) = self.group() {
            return self.grouped(devices, self.offline_group());
        }
        Wording {
            severity: Severity::Error,
            title: format!("{}: disconnected at {} and not back", self.device, self.first()),
            explanation: "The last connection event of this device is a disconnect, and no connect follows in the data. If the \
             device should be online, it needs attention."
                .to_owned(),
            actions: &[
                "Check the device's power, network and application (a crash loop or a hung process).",
                "Find the reason of the last disconnect in the Connections resource logs: 404104 points at the network or a crash, 401003 at credentials or the clock.",
                "Alert on devices that stay disconnected longer than their normal reconnect time.",
            ],
        }
    }

    fn not_online(&self) -> Wording {
        if let Some(devices) = self.group() {
            return self.grouped(devices, self.not_online_group());
        }
        Wording {
            severity: Severity::Warning,
            title: format!("{}: {} direct method call(s) failed with 404103 DeviceNotOnline", self.device, self.draft.count),
            explanation: "The back end invoked direct methods while the device was not connected, or while it was connected but had \
             not subscribed to direct methods."
                .to_owned(),
            actions: &[
                "Check the connection state (Event Grid or the device twin's connectionState) before invoking, and use desired properties or jobs for devices that connect only now and then.",
                "On the device, register the direct-method handler right after connecting.",
                "Retry with backoff only to ride out short disconnects; do not retry for long.",
            ],
        }
    }
}

/// The words of a per-device kind grouped over several devices: the device count, the top offenders, and what
/// a pattern shared by many devices suggests. `{device}` in an action is the top offender.
impl Words<'_> {
    /// The number of devices, when the finding is about more than one.
    fn group(&self) -> Option<usize> {
        let devices = self.draft.devices.len();
        (devices > 1).then_some(devices)
    }

    fn last(&self) -> String {
        self.draft.last.map(time::format).unwrap_or_else(|| "an unknown time".into())
    }

    /// A group's wording from its kind's words: "N devices: " and the top offender around the title, a sentence
    /// naming the top offenders (a few of the devices, when each counts once) after the explanation.
    fn grouped(&self, devices: usize, words: Wording) -> Wording {
        let top = &self.draft.details.top_offenders;
        let counted = top.iter().any(|offender| offender.count > 1);
        let mut title = format!("{devices} devices: {}", words.title);
        let mut explanation = words.explanation;
        explanation.push_str(match (counted, devices > top.len()) {
            (true, _) => " Most affected: ",
            (false, false) => " The devices: ",
            (false, true) => " Among them: ",
        });
        for (i, offender) in top.iter().enumerate() {
            if i > 0 {
                explanation.push_str(if i + 1 == top.len() && devices == top.len() { " and " } else { ", " });
            }
            explanation.push_str(&offender.device);
            if counted {
                explanation.push_str(&format!(" ({})", offender.count));
            }
            if counted && i == 0 {
                title.push_str(&format!("; top offender {} ({})", offender.device, offender.count));
            }
        }
        if devices > top.len() {
            explanation.push_str(&format!(" and {} more", devices - top.len()));
        }
        explanation.push('.');
        Wording { title, explanation, ..words }
    }

    fn network_group(&self) -> Wording {
        let count = self.draft.count;
        let minutes = self.draft.details.reconnect_minutes;
        let back = minutes
            .map(|m| format!(" They were back after {} min on average.", fixed(m, 1)))
            .unwrap_or_default();
        let (first, last) = (self.first(), self.last());
        let (title, explanation) = if self.draft.codes.is_empty() {
            let average = minutes.map(|m| format!(" ({} min on average)", fixed(m, 1))).unwrap_or_default();
            (
                format!("{count} disconnects of more than a minute{average}, then back"),
                format!(
                    "Event Grid shows these devices disconnecting and reconnecting only after more than a minute, between \
                     {first} and {last}.{back} Event Grid carries no reason: look up 404104 and other errors of these \
                     devices in the Connections resource logs."
                ),
            )
        } else {
            (
                format!("{count} unexpected disconnects without token expiry"),
                format!(
                    "Between {first} and {last} the hub closed connections of these devices with 404104 \
                     DeviceConnectionClosedRemotely and no token expiry (401003) came before, so these are not renewals. \
                     The usual causes sit on the devices' side: connectivity lost for longer than 1.5 times the MQTT \
                     keep-alive, TCP resets without an MQTT DISCONNECT, or the application crashing or restarting.{back}"
                ),
            )
        };
        let actions = &[
            "Start with {device}: check its network at those times (signal, gateway, firewall or NAT idle timeouts) and its application logs for crashes or restarts.",
            "When the disconnects spread over many devices with one or two each, look at what they share (a site's network, a gateway, a cellular carrier, a firmware version) before the devices one by one.",
            "Run a current Azure IoT SDK: older versions had reconnect bugs that end in abrupt socket closes.",
            "Alert on devices that stay disconnected, not on every 404104.",
        ];
        Wording { severity: Severity::Warning, title, explanation, actions }
    }

    fn link_conflict_group(&self) -> Wording {
        let count = self.draft.count;
        match self.draft.details.root_cause.as_deref() {
            Some(cause) => {
                let cause_words = if cause == "mass-disconnect" {
                    "the mass disconnect at the same time".to_owned()
                } else {
                    let name = cause
                        .parse()
                        .ok()
                        .and_then(crate::catalog::find_code)
                        .map(|entry| format!(" {}", entry.name))
                        .unwrap_or_default();
                    format!("each device's earlier {cause}{name}")
                };
                Wording {
                    severity: Severity::Info,
                    title: format!("{count} × 409002 LinkCreationConflict, a side effect of {cause_words}"),
                    explanation: format!(
                        "These devices reconnected while the hub still held their previous links, so the hub closed each \
                         old link with 409002 LinkCreationConflict. The root cause is {cause_words}; 409002 itself needs \
                         no action."
                    ),
                    actions: &[
                        "Follow the finding of the root cause instead of this one.",
                        "Do not alert on 409002 that comes right after a disconnect.",
                    ],
                }
            }
            None => Wording {
                severity: Severity::Warning,
                title: format!("{count} × 409002 LinkCreationConflict with no failure before it"),
                explanation: "The hub closed existing links because the same device opened another one, and no disconnect error \
                     came first. Device code that connects again while its first connection is still open, or a second \
                     client using the identity, does this; across many devices, suspect the reconnect logic of the \
                     firmware they share."
                    .to_owned(),
                actions: &[
                    "Open a new connection only after the current one has really dropped (watch the SDK's connection status callback).",
                    "Make sure only one client instance runs per device identity; look for 400027 on these devices, starting with {device}.",
                ],
            },
        }
    }

    fn duplicate_identity_group(&self) -> Wording {
        Wording {
            severity: Severity::Error,
            title: format!("two clients share each identity ({} forced closes)", self.draft.count),
            explanation: "IoT Hub keeps one connection per device identity. When another client connects with the same identity \
                 the current connection is closed with 400027 ConnectionForcefullyClosedOnNewConnection, and two clients \
                 keep pushing each other off. Many identities at once usually means devices cloned from one image with \
                 its credentials, or a tool or test rig running with production identities."
                .to_owned(),
            actions: &[
                "Find the second clients, starting with {device}: compare the masked IP addresses and sdkVersion of the connects, and look for cloned images, copied credentials or a test tool using production identities.",
                "Give every client its own device or module identity (az iot hub device-identity create).",
                "Renew the identities' keys (az iot hub device-identity renew-key) so that only the rightful clients can connect.",
            ],
        }
    }

    fn time_drift_group(&self) -> Wording {
        let first = self.first();
        Wording {
            severity: Severity::Error,
            title: format!(
                "every connect refused with 401003 while other devices connect, the first since {first}"
            ),
            explanation: format!(
                "These devices had connected successfully before; from {first} on, {} connection attempts were refused as \
                 unauthorized while other devices of the hub kept connecting. The most likely cause is device clocks \
                 more than about five minutes off, which makes every SAS token they sign look expired or not yet valid; \
                 several devices at once point at a time source they share (an NTP server they cannot reach, a batch of \
                 real-time clocks). Keys rotated together, expired certificates or disabled identities look the same: \
                 rule them out.",
                self.draft.count
            ),
            actions: &[
                "Sync the clocks of these devices with NTP, starting with {device}, or reboot them if they set their clock at boot.",
                "Check that the devices reach their NTP server, and schedule a periodic sync (daily to monthly, depending on how fast the clocks drift), or a periodic reboot where NTP is not available.",
                "If the clocks are right, compare the devices' keys or certificates with the registry (az iot hub device-identity show) and check that the identities are enabled.",
            ],
        }
    }

    fn file_upload_group(&self) -> Wording {
        Wording {
            severity: Severity::Error,
            title: format!("more than 10 file uploads open at once (403006, {} times)", self.draft.count),
            explanation: "A device may have at most 10 file uploads in progress. An upload stays open until the device sends the \
                 completion notification or its SAS URI expires, so devices that start uploads without notifying \
                 completion (often after network failures) run into the limit; across many devices, the upload code \
                 they share misses the notification."
                .to_owned(),
            actions: &[
                "Always send the file-upload completion notification, with a failure status when the upload failed.",
                "Shorten the file-upload SAS TTL of the hub so abandoned uploads expire sooner.",
                "Queue uploads on the devices and keep fewer than 10 in flight per device.",
            ],
        }
    }

    fn lock_lost_group(&self) -> Wording {
        let deliveries = self
            .draft
            .details
            .max_delivery_count
            .map(|n| format!(" The delivery count reached {n}."))
            .unwrap_or_default();
        Wording {
            severity: Severity::Warning,
            title: format!(
                "C2D messages completed too late and redelivered (412002, {} times)",
                self.draft.count
            ),
            explanation: format!(
                "A received cloud-to-device message is locked for one minute. These devices completed messages after the \
                 lock had expired, so the hub had already put them back in the queue and delivered them again.\
                 {deliveries} The one-minute lock cannot be changed; when many devices miss it, the message handler \
                 they share does long work before completing."
            ),
            actions: &[
                "Complete, reject or abandon each C2D message within a minute of receiving it; persist it first and do long work afterwards.",
                "Make message handling idempotent: the same message can arrive more than once.",
            ],
        }
    }

    fn queue_full_group(&self) -> Wording {
        Wording {
            severity: Severity::Error,
            title: format!("cloud-to-device queue full (403004, {} times)", self.draft.count),
            explanation: "A device's cloud-to-device queue holds at most 50 messages; further sends fail until the device takes \
                 messages off it. Usually the devices poll rarely over HTTPS, are offline, or never complete messages; \
                 across many devices, the back end often keeps sending to devices that are offline."
                .to_owned(),
            actions: &[
                "Receive C2D messages over MQTT or AMQP so they are delivered as they arrive.",
                "Complete, reject or abandon messages promptly on the devices.",
                "Send fewer C2D messages or give them a shorter expiry; purge stale queues (az iot device c2d-message purge), starting with {device}.",
            ],
        }
    }

    fn offline_group(&self) -> Wording {
        let (first, last) = (self.first(), self.last());
        let title = if first == last {
            format!("disconnected at {first} and not back")
        } else {
            format!("disconnected between {first} and {last} and not back")
        };
        let over = match self.span_seconds() / 60 {
            0 => "within a minute".to_owned(),
            minutes => format!("over {minutes} min"),
        };
        Wording {
            severity: Severity::Error,
            title,
            explanation: format!(
                "For each of these devices the last connection event is a disconnect, and no connect follows in the \
                 data; they went offline {over}. Devices that drop close together usually share a cause (a site's power \
                 or network, a gateway, a firmware or configuration rollout, revoked credentials); devices that drop \
                 one by one need attention each."
            ),
            actions: &[
                "Look first at what these devices share: a site's power or network, a gateway, a recent firmware or configuration rollout, revoked credentials.",
                "Then check single devices, such as {device}: power, network and application (a crash loop or a hung process).",
                "Find the reason of the last disconnects in the Connections resource logs: 404104 points at the network or a crash, 401003 at credentials or the clock.",
                "Alert on devices that stay disconnected longer than their normal reconnect time.",
            ],
        }
    }

    fn not_online_group(&self) -> Wording {
        Wording {
            severity: Severity::Warning,
            title: format!("{} direct method calls failed with 404103 DeviceNotOnline", self.draft.count),
            explanation: "The back end invoked direct methods while these devices were not connected, or while they were \
                 connected but had not subscribed to direct methods. Across many devices, the back end most likely \
                 calls devices without checking their connection state."
                .to_owned(),
            actions: &[
                "Check the connection state (Event Grid or the device twin's connectionState) before invoking, and use desired properties or jobs for devices that connect only now and then.",
                "On the devices, register the direct-method handler right after connecting.",
                "Retry with backoff only to ride out short disconnects; do not retry for long.",
            ],
        }
    }
}

/// `value` with `places` digits after the point (at most 2), rounded as `format!("{value:.places$}")` rounds
/// it (to the nearest, ties to even, on the exact binary value), with integer arithmetic only: the standard
/// library's float formatting is the largest single piece of code the WebAssembly build would carry for
/// these numbers.
fn fixed(value: f64, places: u32) -> String {
    let bits = value.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let biased = (bits >> 52) & 0x7ff;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0x7ff {
        return if fraction == 0 { format!("{sign}inf") } else { "NaN".to_owned() };
    }
    // value = mantissa × 2^exponent exactly, and value × 10^places = scaled × 2^exponent (below 2^60).
    let (mantissa, exponent) =
        if biased == 0 { (fraction, -1074) } else { (fraction | 1 << 52, biased as i32 - 1075) };
    let places = places.min(2);
    let scaled = mantissa * 10u64.pow(places);
    // The decimal digits of round(value × 10^places), least significant first.
    let mut digits = Vec::new();
    if exponent >= 0 {
        push_digits(&mut digits, scaled);
        for _ in 0..exponent {
            let mut carry = 0;
            for digit in &mut digits {
                let doubled = *digit * 2 + carry;
                *digit = doubled % 10;
                carry = doubled / 10;
            }
            if carry > 0 {
                digits.push(carry);
            }
        }
    } else {
        let shift = exponent.unsigned_abs();
        // From 2^-64 of a unit down, the value rounds to zero (`scaled` is below half of 2^64).
        if let (Some(one), Some(half)) = (1u64.checked_shl(shift), 1u64.checked_shl(shift - 1)) {
            let mut units = scaled >> shift;
            let rest = scaled & (one - 1);
            if rest > half || (rest == half && units % 2 == 1) {
                units += 1;
            }
            push_digits(&mut digits, units);
        }
    }
    let places = places as usize;
    digits.resize(digits.len().max(places + 1), 0);
    let mut text = String::with_capacity(digits.len() + 2);
    text.push_str(sign);
    for (position, digit) in digits.iter().enumerate().rev() {
        text.push(char::from(b'0' + digit));
        if position == places && places > 0 {
            text.push('.');
        }
    }
    text
}

/// Appends the decimal digits of `number`, least significant first (none for zero).
fn push_digits(digits: &mut Vec<u8>, mut number: u64) {
    while number > 0 {
        digits.push((number % 10) as u8);
        number /= 10;
    }
}

/// `action` with its `{device}` placeholder (if any) replaced by `device`. Searched for by bytes, so the npm build
/// carries no copy of the standard substring searcher.
fn with_device(action: &str, device: &str) -> String {
    const PLACEHOLDER: &[u8] = b"{device}";
    let at = action.as_bytes().windows(PLACEHOLDER.len()).position(|window| window == PLACEHOLDER);
    match at.and_then(|at| Some((action.get(..at)?, action.get(at + PLACEHOLDER.len()..)?))) {
        Some((before, after)) => format!("{before}{device}{}", with_device(after, device)),
        None => action.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-device kinds, each with a cause where it has one.
    const PER_DEVICE: [(FindingKind, &[u32], Option<&str>); 12] = [
        (FindingKind::NetworkDisconnect, &[404104], None),
        (FindingKind::NetworkDisconnect, &[], None),
        (FindingKind::TimeDrift, &[401003], None),
        (FindingKind::LinkConflictSideEffect, &[409002], Some("mass-disconnect")),
        (FindingKind::LinkConflictSideEffect, &[409002], Some("404104")),
        (FindingKind::LinkConflictSideEffect, &[409002], None),
        (FindingKind::DuplicateIdentity, &[400027], None),
        (FindingKind::FileUploadLimit, &[403006], None),
        (FindingKind::C2dLockLost, &[412002], None),
        (FindingKind::C2dQueueFull, &[403004], None),
        (FindingKind::DeviceNotOnline, &[404103], None),
        (FindingKind::DeviceOffline, &[], None),
    ];

    /// Device `device`'s draft of a kind: `events` events a minute apart.
    fn draft(kind: FindingKind, codes: &[u32], cause: Option<&str>, device: u32, events: u32) -> Draft {
        let mut draft = Draft::new(kind);
        draft.devices = vec![device];
        draft.codes = codes.to_vec();
        draft.count = u64::from(events);
        let times: Vec<Millis> = (0..events)
            .map(|i| 1_715_644_800_000 + i64::from(device) * 1000 + i64::from(i) * 60_000)
            .collect();
        draft.first = times.first().copied();
        draft.last = times.last().copied();
        draft.evidence = times
            .iter()
            .map(|&at| RecordRef { input: 0, line: (at / 1000) as u64, index: 0 })
            .take(5)
            .collect();
        draft.timeline = times.iter().map(|&at| (at, Some(device), codes.first().copied())).collect();
        draft.details.root_cause = cause.map(str::to_owned);
        draft.details.reconnect_minutes = Some(3.0);
        draft
    }

    #[test]
    fn a_single_device_reads_as_its_own_finding() {
        let names = vec!["door-9".to_owned()];
        for (kind, codes, cause) in PER_DEVICE {
            let one = draft(kind, codes, cause, 0, 2);
            let report = report(Summary::default(), vec![one.clone()], &names);
            assert_eq!(report.findings, [finding(one, &names)]);
            let title = &report.findings[0].title;
            assert!(title.starts_with("door-9: ") || title.contains("door-9"), "{title}");
        }
    }

    #[test]
    fn groups_name_the_device_count_and_the_top_offenders() {
        let names: Vec<String> = ["pump-1", "pump-2", "gw-7", "meter-3"].map(str::to_owned).to_vec();
        for (kind, codes, cause) in PER_DEVICE {
            // gw-7 has the most events.
            let drafts = (0..4)
                .map(|device| draft(kind, codes, cause, device, if device == 2 { 4 } else { 1 }))
                .collect();
            let report = report(Summary::default(), drafts, &names);
            assert_eq!(report.findings.len(), 1, "{kind:?}");
            let group = &report.findings[0];
            assert!(group.title.starts_with("4 devices: "), "{}", group.title);
            assert_eq!(group.devices, ["gw-7", "meter-3", "pump-1", "pump-2"]);
            assert_eq!((group.count, group.details.top_offenders[0].device.as_str()), (7, "gw-7"));
            assert!(group.explanation.contains("gw-7 (4)"), "{}", group.explanation);
            assert!(group.explanation.len() > 80 && !group.actions.is_empty());
            for action in &group.actions {
                assert!(!action.contains("{device}") && !action.contains("door"), "{action}");
            }
            // `{device}` names the top offender.
            if kind == FindingKind::DeviceOffline
                || cause == Some("mass-disconnect")
                || cause == Some("404104")
            {
                continue;
            }
            assert!(
                group.title.contains("top offender gw-7 (4)")
                    || group.actions.iter().any(|a| a.contains("gw-7")),
                "{kind:?}: {} {:?}",
                group.title,
                group.actions
            );
        }
    }

    #[test]
    fn offline_groups_list_a_few_devices_when_each_counts_once() {
        let names: Vec<String> = (0..9).map(|i| format!("sensor-{i}")).collect();
        let drafts = (0..9).map(|device| draft(FindingKind::DeviceOffline, &[], None, device, 1)).collect();
        let offline = &report(Summary::default(), drafts, &names).findings[0];
        assert_eq!(
            offline.title,
            "9 devices: disconnected between 2024-05-14T00:00:00Z and 2024-05-14T00:00:08Z and not back"
        );
        assert!(
            offline
                .explanation
                .contains("Among them: sensor-0, sensor-1, sensor-2, sensor-3, sensor-4 and 4 more."),
            "{}",
            offline.explanation
        );
        assert!(offline.actions.iter().any(|a| a.contains("such as sensor-0")), "{:?}", offline.actions);
    }

    #[test]
    fn fixed_rounds_like_the_standard_formatting() {
        let mut values = vec![
            0.0, -0.0, 0.25, 0.5, 1.5, 2.5, 0.05, 0.35, 0.15, 0.125, -0.01, 57.5, 59.95, 123456.75, 1e22,
            1e300, 5e-324, 1e-310,
        ];
        values.extend([f64::MAX, f64::MIN_POSITIVE, f64::INFINITY, f64::NEG_INFINITY, f64::NAN]);
        // Minutes as the engine computes them: whole milliseconds over 60 000, and means of such.
        for ms in (0..200_000).step_by(7) {
            values.push(f64::from(ms) / 60_000.0);
            values.push(f64::from(ms) / 3.0 / 60_000.0);
        }
        // Arbitrary bit patterns (xorshift), all exponents.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            values.push(f64::from_bits(state));
        }
        for value in values {
            assert_eq!(fixed(value, 0), format!("{value:.0}"), "{value:e}");
            assert_eq!(fixed(value, 1), format!("{value:.1}"), "{value:e}");
            assert_eq!(fixed(value, 2), format!("{value:.2}"), "{value:e}");
        }
    }
}
