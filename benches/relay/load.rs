//! The paced load: per session, the publisher (customer) sends a full snapshot, then 1 KiB `dom`
//! batches at 20/s and pointer moves at 60/s, as binary frames like the customer's script; the
//! subscriber (agent) reads and records latency.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::frames::{self, Kind, PointerClock};
use crate::stats::{Histogram, Percentiles, cpu_secs, machine_ticks, now_us};

/// A client WebSocket.
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// One session's two sockets.
pub struct Pair {
    /// The customer's socket, which sends.
    pub publisher: Ws,
    /// The agent's socket, which receives.
    pub subscriber: Ws,
}

/// Read buffer of every socket the bench opens and of the bare relay. tungstenite's default
/// (128 KiB) is zero-filled on every read attempt, which would make the load generator the
/// bottleneck; 4 KiB holds a pointer move or a `dom` batch in one read.
const READ_BUFFER_BYTES: usize = 4096;

/// The WebSocket settings of the bench's clients and of the bare relay.
pub fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES)
}

/// Pointer moves are sent at 60/s; every third tick also sends a `dom` batch (20/s).
const POINTER_PERIOD: Duration = Duration::from_micros(16_667);
const DOM_EVERY: u64 = 3;
/// How long subscribers keep reading after the publishers stop.
const DRAIN: Duration = Duration::from_secs(1);
/// Sent below this share of the target rate means the load generator could not keep up.
const SATURATED_SHARE: f64 = 0.97;

#[derive(Default)]
struct Shared {
    dom: Histogram,
    pointer: Histogram,
    lateness: Histogram,
    dom_sent: AtomicU64,
    pointer_sent: AtomicU64,
    resyncs: AtomicU64,
    closed_early: AtomicU64,
    window: (u64, u64),
}

impl Shared {
    fn in_window(&self, sent_us: u64) -> bool {
        sent_us >= self.window.0 && sent_us < self.window.1
    }
}

/// What one run of the load measured.
#[derive(Debug, Clone, Serialize)]
pub struct LoadStats {
    pub sessions: usize,
    pub measure_secs: f64,
    pub dom_ms: Percentiles,
    pub pointer_ms: Percentiles,
    pub dom_sent: u64,
    pub dom_delivered: u64,
    pub pointer_sent: u64,
    pub pointer_delivered: u64,
    pub delivered_per_sec: f64,
    pub target_sent_per_sec: f64,
    pub resyncs: u64,
    pub closed_early: u64,
    pub generator_lateness_p99_ms: f64,
    pub generator_saturated: bool,
    pub server_cpu_percent: f64,
    pub bench_cpu_percent: f64,
    /// All processes on the machine, 100 % per core: shows what other work shared the cores.
    pub machine_cpu_percent: f64,
}

/// Runs the load over `pairs` for `warmup + measure`, reading the server's CPU use meanwhile.
pub async fn run(
    pairs: Vec<Pair>,
    warmup: Duration,
    measure: Duration,
    server_pid: u32,
) -> LoadStats {
    let sessions = pairs.len();
    let begin = Instant::now() + Duration::from_millis(200);
    let window_start = now_us() + 200_000 + warmup.as_micros() as u64;
    let window_end = window_start + measure.as_micros() as u64;
    let stop = begin + warmup + measure;
    let shared = Arc::new(Shared {
        window: (window_start, window_end),
        ..Shared::default()
    });
    let mut tasks = JoinSet::new();
    for (index, pair) in pairs.into_iter().enumerate() {
        // Spread the sessions' ticks evenly over one period so sends do not come in bursts.
        let phase = POINTER_PERIOD.mul_f64(index as f64 / sessions.max(1) as f64);
        let clock = Arc::new(PointerClock::default());
        let sender = Sender {
            shared: shared.clone(),
            clock: clock.clone(),
        };
        tasks.spawn(publish(pair.publisher, sender, begin + phase, stop));
        tasks.spawn(subscribe(
            pair.subscriber,
            shared.clone(),
            clock,
            stop + DRAIN,
        ));
    }
    let cpu = tokio::spawn(measure_cpu(begin + warmup, measure, server_pid));
    let mut sockets = Vec::with_capacity(sessions * 2);
    while let Some(done) = tasks.join_next().await {
        if let Ok(socket) = done {
            sockets.push(socket);
        }
    }
    let cpu = cpu.await.unwrap_or_default();
    drop(sockets);
    summarize(&shared, sessions, measure, cpu)
}

fn summarize(shared: &Shared, sessions: usize, measure: Duration, cpu: Cpu) -> LoadStats {
    let secs = measure.as_secs_f64();
    let target_sent_per_sec = sessions as f64 * (1.0 + 1.0 / DOM_EVERY as f64) * 60.0;
    let dom_sent = shared.dom_sent.load(Ordering::Relaxed);
    let pointer_sent = shared.pointer_sent.load(Ordering::Relaxed);
    let sent_per_sec = (dom_sent + pointer_sent) as f64 / secs;
    let lateness = shared.lateness.quantile_ms(0.99);
    LoadStats {
        sessions,
        measure_secs: secs,
        dom_ms: shared.dom.summary(),
        pointer_ms: shared.pointer.summary(),
        dom_sent,
        dom_delivered: shared.dom.count(),
        pointer_sent,
        pointer_delivered: shared.pointer.count(),
        delivered_per_sec: (shared.dom.count() + shared.pointer.count()) as f64 / secs,
        target_sent_per_sec,
        resyncs: shared.resyncs.load(Ordering::Relaxed),
        closed_early: shared.closed_early.load(Ordering::Relaxed),
        generator_lateness_p99_ms: lateness,
        generator_saturated: sent_per_sec < SATURATED_SHARE * target_sent_per_sec,
        server_cpu_percent: cpu.server,
        bench_cpu_percent: cpu.bench,
        machine_cpu_percent: cpu.machine,
    }
}

/// CPU use over the measured window, 100 % per core.
#[derive(Debug, Default)]
struct Cpu {
    server: f64,
    bench: f64,
    machine: f64,
}

async fn measure_cpu(start: Instant, measure: Duration, server_pid: u32) -> Cpu {
    tokio::time::sleep_until(start).await;
    let me = std::process::id();
    let (server0, bench0, machine0) = (cpu_secs(server_pid), cpu_secs(me), machine_ticks());
    tokio::time::sleep(measure).await;
    let percent = |before: Option<f64>, pid: u32| {
        let after = cpu_secs(pid);
        before
            .zip(after)
            .map_or(0.0, |(b, a)| (a - b) / measure.as_secs_f64() * 100.0)
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as f64;
    let machine = machine0
        .zip(machine_ticks())
        .map_or(0.0, |((b0, t0), (b1, t1))| {
            (b1 - b0) as f64 / (t1 - t0).max(1) as f64 * 100.0 * cores
        });
    Cpu {
        server: percent(server0, server_pid),
        bench: percent(bench0, me),
        machine,
    }
}

/// What a publisher writes to: the run's counters and its session's pointer clock.
struct Sender {
    shared: Arc<Shared>,
    clock: Arc<PointerClock>,
}

async fn publish(ws: Ws, sender: Sender, first: Instant, stop: Instant) -> Ws {
    let shared = &sender.shared;
    let (mut sink, mut stream) = ws.split();
    let mut ok = sink
        .send(Message::binary(frames::full(now_us())))
        .await
        .is_ok();
    let mut tick = tokio::time::interval_at(first, POINTER_PERIOD);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut seq = 0u64;
    while ok {
        tokio::select! {
            at = tick.tick() => {
                if at >= stop {
                    break;
                }
                ok = send_tick(&mut sink, &sender, at, seq).await;
                seq += 1;
            }
            incoming = stream.next() => {
                ok = match incoming {
                    Some(Ok(Message::Text(text))) if frames::is_snapshot_needed(&text) => {
                        shared.resyncs.fetch_add(1, Ordering::Relaxed);
                        sink.send(Message::binary(frames::full(now_us()))).await.is_ok()
                    }
                    Some(Ok(_)) => true,
                    Some(Err(_)) | None => false,
                };
            }
        }
    }
    if !ok {
        shared.closed_early.fetch_add(1, Ordering::Relaxed);
    }
    sink.reunite(stream).expect("the halves of one socket")
}

type Sink = futures_util::stream::SplitSink<Ws, Message>;

async fn send_tick(sink: &mut Sink, sender: &Sender, at: Instant, seq: u64) -> bool {
    let shared = &sender.shared;
    let sent = now_us();
    let counted = shared.in_window(sent);
    if counted {
        shared.lateness.record(at.elapsed().as_micros() as u64);
    }
    let dom = seq % DOM_EVERY == 0;
    // Both frames of a tick leave in one write: it halves the generator's system calls.
    if dom
        && sink
            .feed(Message::binary(frames::dom(sent, seq)))
            .await
            .is_err()
    {
        return false;
    }
    let pointer_seq = seq as u32;
    sender.clock.sent(pointer_seq, sent);
    let pointer = Message::binary(frames::pointer(pointer_seq));
    if sink.send(pointer).await.is_err() {
        return false;
    }
    if counted {
        shared.dom_sent.fetch_add(u64::from(dom), Ordering::Relaxed);
        shared.pointer_sent.fetch_add(1, Ordering::Relaxed);
    }
    true
}

async fn subscribe(
    mut ws: Ws,
    shared: Arc<Shared>,
    clock: Arc<PointerClock>,
    until: Instant,
) -> Ws {
    loop {
        let Ok(next) = tokio::time::timeout_at(until, ws.next()).await else {
            return ws;
        };
        let frame = match next {
            Some(Ok(Message::Binary(frame))) => frame,
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => {
                shared.closed_early.fetch_add(1, Ordering::Relaxed);
                return ws;
            }
        };
        let arrived = now_us();
        match frames::parse(&frame) {
            Kind::Dom(sent) if shared.in_window(sent) => {
                shared.dom.record(arrived.saturating_sub(sent));
            }
            Kind::Pointer(seq) => {
                let sent = clock.sent_at(seq);
                if shared.in_window(sent) {
                    shared.pointer.record(arrived.saturating_sub(sent));
                }
            }
            _ => {}
        }
    }
}
