//! A fault-injecting HTTP proxy between awsrun and the test server.
//!
//! It listens on a free port of 127.0.0.1 (never any other address) and
//! forwards every request to the upstream server on 127.0.0.1, except the
//! ones its [`Schedule`] picks: those it answers itself with a throttling
//! error (EC2's `RequestLimitExceeded`, ELBv2's and STS's `Throttling`), a
//! 500 or a 503 in the service's own error format, or by closing the
//! connection without an answer.
//!
//! Faults are never sent upstream, so the server sees each write at most
//! once: a write the SDK retries is a write the server never did. Only reads
//! (`Describe*`, `Get*`, `List*`) may also be dropped *after* the server
//! answered ([`Fault::DropAfter`]), since repeating a read changes nothing.
//!
//! The schedule is deterministic (a seeded PRNG over the requests in
//! arrival order) and never faults the same request body more than
//! `max_in_a_row` times in a row, so that the SDK's retries (5 attempts)
//! always get through.
//!
//! Every exchange is `Connection: close` on both sides: one request per
//! connection keeps the proxy simple and makes a dropped connection
//! unambiguous.
//!
//! A [`Behaviour`] layer (see `aws_timing.rs`) may sit behind the faults:
//! a request that no fault took goes to the layer, which answers it
//! itself or lets it through and then sees (and may rewrite) the answer.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the proxy does instead of forwarding a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// HTTP 400 with the service's throttling code.
    Throttle,
    /// HTTP 500 with the service's internal-error code.
    Internal,
    /// HTTP 503 with the service's unavailable code.
    Unavailable,
    /// The request is read, never forwarded, and the connection closed.
    DropBefore,
    /// The request is forwarded, the answer thrown away and the connection
    /// closed. Only ever used on reads.
    DropAfter,
}

impl Fault {
    pub const ALL: [Fault; 5] = [
        Fault::Throttle,
        Fault::Internal,
        Fault::Unavailable,
        Fault::DropBefore,
        Fault::DropAfter,
    ];
}

/// Which requests get which fault.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Seed of the PRNG that picks the faulted requests and their faults.
    pub seed: u64,
    /// Share of requests faulted, in percent.
    pub percent: u64,
    /// The faults to inject, one after the other in this order.
    pub faults: Vec<Fault>,
    /// Most faults in a row for the same request (the SDK makes 5 attempts).
    pub max_in_a_row: u32,
    /// Lets [`Fault::DropAfter`] hit writes too: the server did the write,
    /// the client never hears of it and tries again.
    pub drop_writes_after: bool,
}

impl Schedule {
    /// Nothing is faulted: a plain forwarding proxy.
    pub fn none() -> Schedule {
        Schedule {
            seed: 0,
            percent: 0,
            faults: Vec::new(),
            max_in_a_row: 0,
            drop_writes_after: false,
        }
    }
}

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub service: String,
    pub action: String,
    /// The request's `ClientToken` (EC2's idempotency token), if any.
    pub client_token: Option<String>,
    pub fault: Option<Fault>,
}

/// One request as a [`Behaviour`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub service: &'a str,
    pub action: &'a str,
    /// The request line's path, without its query (Route 53 names the
    /// zone there: `/2013-04-01/hostedzone/{id}/rrset`).
    pub path: &'a str,
    /// The body: a query-protocol form (`Action=...&...`, still
    /// percent-encoded), ACM's JSON or Route 53's XML.
    pub body: &'a str,
}

/// A layer that makes the server behave otherwise: it answers some
/// requests itself and rewrites some answers.
pub trait Behaviour: Send + Sync {
    /// An answer instead of forwarding: HTTP status, AWS error code, message.
    fn refuse(&self, call: &Call) -> Option<(u16, String, String)>;
    /// The server answered with `status` and `body`: what the client gets instead.
    fn answered(&self, call: &Call, status: u16, body: &str) -> Option<String>;
}

/// The service and action of a request, and whether it changes anything.
#[derive(Debug, Clone)]
struct Request {
    service: String,
    action: String,
    client_token: Option<String>,
    write: bool,
}

struct State {
    schedule: Schedule,
    rng: u64,
    /// Faults in a row per request body.
    streaks: HashMap<u64, u32>,
    /// Faults injected so far: the next one is `faults[injected % len]`.
    injected: usize,
    log: Vec<Exchange>,
    /// Protocol problems seen by connection threads.
    errors: Vec<String>,
    behaviour: Option<Arc<dyn Behaviour>>,
}

impl State {
    fn next(&mut self) -> u64 {
        // xorshift64*: small, deterministic, good enough to pick faults.
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn decide(&mut self, request: &Request, body: &[u8]) -> Option<Fault> {
        let key = {
            let mut hasher = DefaultHasher::new();
            body.hash(&mut hasher);
            hasher.finish()
        };
        let streak = self.streaks.get(&key).copied().unwrap_or(0);
        let roll = self.next() % 100;
        let fault = if streak >= self.schedule.max_in_a_row
            || roll >= self.schedule.percent
            || self.schedule.faults.is_empty()
        {
            None
        } else {
            let faults = &self.schedule.faults;
            let fault = faults[self.injected % faults.len()];
            // Repeating a write the server already did could make a twin on
            // a server that ignores client tokens: drop writes before, and
            // keep `DropAfter` for the next faulted request, so that every
            // kind in the cycle is injected whatever the mix of requests.
            if fault == Fault::DropAfter && request.write && !self.schedule.drop_writes_after {
                Some(Fault::DropBefore)
            } else {
                self.injected += 1;
                Some(fault)
            }
        };
        match fault {
            Some(_) => *self.streaks.entry(key).or_insert(0) += 1,
            None => {
                self.streaks.remove(&key);
            }
        }
        self.log.push(Exchange {
            service: request.service.clone(),
            action: request.action.clone(),
            client_token: request.client_token.clone(),
            fault,
        });
        fault
    }
}

/// A running proxy; it stops when dropped.
pub struct Proxy {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Starts a proxy on a free port of 127.0.0.1 in front of
    /// `127.0.0.1:upstream`.
    pub fn start(upstream: u16, schedule: Schedule) -> Proxy {
        Proxy::start_with(upstream, schedule, None)
    }

    /// [`Proxy::start`] with a behaviour layer behind the faults.
    pub fn start_with(
        upstream: u16,
        schedule: Schedule,
        behaviour: Option<Arc<dyn Behaviour>>,
    ) -> Proxy {
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind the proxy on 127.0.0.1:0");
        let port = listener.local_addr().expect("the proxy's address").port();
        let rng = schedule.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let state = Arc::new(Mutex::new(State {
            schedule,
            rng,
            streaks: HashMap::new(),
            injected: 0,
            log: Vec::new(),
            errors: Vec::new(),
            behaviour,
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let (state, stop) = (state.clone(), stop.clone());
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(client) = client else { continue };
                    let state = state.clone();
                    std::thread::spawn(move || {
                        if let Err(err) = serve(client, upstream, &state) {
                            lock(&state).errors.push(err);
                        }
                    });
                }
            })
        };
        Proxy {
            port,
            state,
            stop,
            accept: Some(accept),
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every request so far, in arrival order.
    pub fn log(&self) -> Vec<Exchange> {
        lock(&self.state).log.clone()
    }

    /// How many requests got each fault (and `None`: forwarded untouched).
    pub fn counts(&self) -> BTreeMap<Option<Fault>, usize> {
        let mut counts = BTreeMap::new();
        for exchange in lock(&self.state).log.iter() {
            *counts.entry(exchange.fault).or_insert(0) += 1;
        }
        counts
    }

    /// Protocol problems the proxy met (a request it could not read, an
    /// upstream it could not reach). A test expects none.
    pub fn errors(&self) -> Vec<String> {
        lock(&self.state).errors.clone()
    }

    /// Forgets the log (the schedule's PRNG runs on).
    pub fn clear_log(&self) {
        lock(&self.state).log.clear();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One HTTP/1.1 message head: the first line and the headers.
struct Head {
    line: String,
    headers: Vec<(String, String)>,
}

impl Head {
    /// The request line's method (`GET`) or the status line's version.
    fn method(&self) -> &str {
        self.line.split(' ').next().unwrap_or("")
    }

    /// The request line's path without its query (or a status line's code).
    fn path(&self) -> &str {
        let target = self.line.split(' ').nth(1).unwrap_or("");
        target.split('?').next().unwrap_or("")
    }

    /// A status line's code (`HTTP/1.1 200 OK` -> 200).
    fn status(&self) -> u16 {
        self.line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The head with `Connection: close` and the given `Content-Length`.
    fn closing(&self, length: usize) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.line);
        for (key, value) in &self.headers {
            let skip = [
                "connection",
                "keep-alive",
                "content-length",
                "transfer-encoding",
            ];
            if !skip.iter().any(|s| key.eq_ignore_ascii_case(s)) {
                out.push_str(&format!("{key}: {value}\r\n"));
            }
        }
        out.push_str(&format!(
            "Content-Length: {length}\r\nConnection: close\r\n\r\n"
        ));
        out.into_bytes()
    }
}

fn read_head(reader: &mut impl BufRead) -> std::io::Result<Option<Head>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let line = line.trim_end().to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 {
            return Err(std::io::Error::other(
                "connection closed inside the headers",
            ));
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((key, value)) = header.split_once(':') {
            headers.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    Ok(Some(Head { line, headers }))
}

/// Reads a body framed by `Content-Length` or chunked encoding, or (for a
/// response without either) up to the end of the stream.
fn read_body(reader: &mut impl BufRead, head: &Head, to_eof: bool) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    if let Some(length) = head.get("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| std::io::Error::other(format!("bad Content-Length {length:?}")))?;
        body.resize(length, 0);
        reader.read_exact(&mut body)?;
    } else if head
        .get("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = size.trim().split(';').next().unwrap_or("");
            let size = usize::from_str_radix(size, 16)
                .map_err(|_| std::io::Error::other(format!("bad chunk size {size:?}")))?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if to_eof {
        reader.read_to_end(&mut body)?;
    }
    Ok(body)
}

/// Route 53's REST actions by method and path (`/2013-04-01/...`).
fn route53_action(method: &str, path: &str) -> String {
    let parts: Vec<&str> = path.trim_matches('/').split('/').skip(1).collect();
    let action = match (method, parts.as_slice()) {
        ("POST", ["hostedzone", _, "rrset"]) => "ChangeResourceRecordSets",
        ("GET", ["hostedzone", _, "rrset"]) => "ListResourceRecordSets",
        ("GET", ["hostedzone"]) => "ListHostedZones",
        ("POST", ["hostedzone"]) => "CreateHostedZone",
        ("GET", ["hostedzone", _]) => "GetHostedZone",
        ("POST", ["hostedzone", _]) => "UpdateHostedZoneComment",
        ("DELETE", ["hostedzone", _]) => "DeleteHostedZone",
        ("GET", ["hostedzonesbyname"]) => "ListHostedZonesByName",
        ("GET", ["hostedzonecount"]) => "GetHostedZoneCount",
        ("GET", ["change", _]) => "GetChange",
        ("GET", ["tags", _, _]) => "ListTagsForResource",
        ("POST", ["tags", _, _]) => "ChangeTagsForResource",
        _ => return format!("{method} {path}"),
    };
    action.to_string()
}

/// What a request is: the service from the SigV4 credential scope (or the
/// API version), the action from the form body (or `X-Amz-Target`), or
/// for Route 53 (REST) from the method and path.
fn classify(head: &Head, body: &[u8]) -> Request {
    let body = String::from_utf8_lossy(body);
    let field = |name: &str| {
        body.split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_string)
    };
    let scope = head.get("authorization").and_then(|auth| {
        // Credential=KEY/DATE/REGION/SERVICE/aws4_request
        let credential = auth.split("Credential=").nth(1)?;
        let parts: Vec<&str> = credential.split(['/', ',']).collect();
        parts.get(3).map(|s| s.to_string())
    });
    let service = scope.unwrap_or_else(|| match field("Version").as_deref() {
        Some("2015-12-01") => "elasticloadbalancing".into(),
        Some("2011-06-15") => "sts".into(),
        _ => "ec2".into(),
    });
    if service == "route53" {
        return Request {
            action: route53_action(head.method(), head.path()),
            write: head.method() != "GET",
            service,
            client_token: None,
        };
    }
    let action = field("Action")
        .or_else(|| {
            head.get("x-amz-target")
                .and_then(|t| t.rsplit('.').next())
                .map(str::to_string)
        })
        .unwrap_or_default();
    let write = !["Describe", "Get", "List"]
        .iter()
        .any(|prefix| action.starts_with(prefix));
    Request {
        service,
        action,
        client_token: field("ClientToken"),
        write,
    }
}

/// The answer of a fault, in the format of the request's service.
fn fault_response(request: &Request, fault: Fault, id: u64) -> Vec<u8> {
    let (status, _reason, code, message) = match (fault, request.service.as_str()) {
        (Fault::Throttle, "ec2") => (
            400,
            "Bad Request",
            "RequestLimitExceeded",
            "Request limit exceeded.",
        ),
        (Fault::Throttle, "acm") => (400, "Bad Request", "ThrottlingException", "Rate exceeded"),
        // S3 slows callers down with a 503 `SlowDown`.
        (Fault::Throttle, "s3") => (
            503,
            "Service Unavailable",
            "SlowDown",
            "Please reduce your request rate.",
        ),
        (Fault::Throttle, _) => (400, "Bad Request", "Throttling", "Rate exceeded"),
        (Fault::Internal, "ec2") => (
            500,
            "Internal Server Error",
            "InternalError",
            "An internal error has occurred",
        ),
        (Fault::Internal, _) => (
            500,
            "Internal Server Error",
            "InternalFailure",
            "An internal error has occurred",
        ),
        (Fault::Unavailable, "ec2") => (
            503,
            "Service Unavailable",
            "Unavailable",
            "The server is overloaded",
        ),
        (_, _) => (
            503,
            "Service Unavailable",
            "ServiceUnavailable",
            "Service is unavailable",
        ),
    };
    error_response(&request.service, status, code, message, id)
}

/// An AWS error answer in the service's own format: EC2's `<Response>`,
/// ELBv2's and STS's `<ErrorResponse>`, Route 53's `<ErrorResponse>` in
/// its namespace, S3's bare `<Error>`, ACM's JSON 1.1 `{"__type", "message"}`.
pub fn error_response(service: &str, status: u16, code: &str, message: &str, id: u64) -> Vec<u8> {
    let request_id = format!("00000000-0000-4000-8000-{id:012x}");
    let reason = match status {
        400 => "Bad Request",
        500 => "Internal Server Error",
        _ => "Service Unavailable",
    };
    let kind = if status < 500 { "Sender" } else { "Receiver" };
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let (content_type, body) = match service {
        "ec2" => (
            "text/xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code>\
                 <Message>{escaped}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
            ),
        ),
        "s3" => (
            "application/xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                 <Message>{escaped}</Message><RequestId>{request_id}</RequestId></Error>"
            ),
        ),
        "acm" => (
            "application/x-amz-json-1.1",
            serde_json::json!({ "__type": code, "message": message }).to_string(),
        ),
        "route53" => (
            "text/xml",
            format!(
                "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">\
                 <Error><Type>{kind}</Type><Code>{code}</Code><Message>{escaped}</Message></Error>\
                 <RequestId>{request_id}</RequestId></ErrorResponse>"
            ),
        ),
        _ => (
            "text/xml",
            format!(
                "<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{escaped}</Message>\
                 </Error><RequestId>{request_id}</RequestId></ErrorResponse>"
            ),
        ),
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nx-amzn-RequestId: {request_id}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut out = head.into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// Serves one client connection: one request, then close.
fn serve(client: TcpStream, upstream: u16, state: &Mutex<State>) -> Result<(), String> {
    client
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(client.try_clone().map_err(|e| e.to_string())?);
    let mut client = client;
    let Some(head) = read_head(&mut reader).map_err(|e| format!("reading a request: {e}"))? else {
        // The accept loop's wake-up call, or a client that gave up.
        return Ok(());
    };
    let body =
        read_body(&mut reader, &head, false).map_err(|e| format!("reading a request body: {e}"))?;
    let request = classify(&head, &body);
    let (fault, id, behaviour) = {
        let mut state = lock(state);
        let fault = state.decide(&request, &body);
        (fault, state.log.len() as u64, state.behaviour.clone())
    };
    let text = String::from_utf8_lossy(&body).into_owned();
    let service = request.service.as_str();
    let call = Call {
        service,
        action: &request.action,
        path: head.path(),
        body: &text,
    };
    let refusal = match (&behaviour, fault) {
        (Some(layer), None | Some(Fault::DropAfter)) => layer.refuse(&call),
        _ => None,
    };
    if let Some((status, code, message)) = refusal {
        let _ = client.write_all(&error_response(service, status, &code, &message, id));
        let _ = client.shutdown(Shutdown::Both);
        return Ok(());
    }
    match fault {
        Some(Fault::DropBefore) => {
            let _ = client.shutdown(Shutdown::Both);
            return Ok(());
        }
        Some(fault @ (Fault::Throttle | Fault::Internal | Fault::Unavailable)) => {
            let _ = client.write_all(&fault_response(&request, fault, id));
            let _ = client.shutdown(Shutdown::Both);
            return Ok(());
        }
        Some(Fault::DropAfter) | None => {}
    }
    let (answer, payload) = forward(upstream, &head, &body)
        .map_err(|e| format!("forwarding {} {}: {e}", request.service, request.action))?;
    let payload = match &behaviour {
        Some(layer) => {
            let answered = String::from_utf8_lossy(&payload);
            match layer.answered(&call, answer.status(), &answered) {
                Some(rewritten) => rewritten.into_bytes(),
                None => payload,
            }
        }
        None => payload,
    };
    let mut response = answer.closing(payload.len());
    response.extend_from_slice(&payload);
    if fault != Some(Fault::DropAfter) {
        let _ = client.write_all(&response);
    }
    let _ = client.shutdown(Shutdown::Both);
    Ok(())
}

/// A GET of `path` (with its query) on the upstream server, signed for
/// `service` as far as moto looks (it reads the credential scope to route
/// the request, and checks no signature): the status and the body.
pub fn get(upstream: u16, service: &str, path: &str) -> std::io::Result<(u16, String)> {
    get_in(upstream, service, "us-east-1", path)
}

/// [`get`] signed for `region` (moto keeps each region's resources apart).
pub fn get_in(
    upstream: u16,
    service: &str,
    region: &str,
    path: &str,
) -> std::io::Result<(u16, String)> {
    let head = Head {
        line: format!("GET {path} HTTP/1.1"),
        headers: vec![
            ("Host".into(), format!("127.0.0.1:{upstream}")),
            (
                "Authorization".into(),
                format!(
                    "AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/{service}/aws4_request, \
                     SignedHeaders=host, Signature=0"
                ),
            ),
        ],
    };
    let (answer, body) = forward(upstream, &head, &[])?;
    Ok((answer.status(), String::from_utf8_lossy(&body).into_owned()))
}

/// Sends the request to the upstream server and returns its answer's head
/// and whole body.
fn forward(upstream: u16, head: &Head, body: &[u8]) -> std::io::Result<(Head, Vec<u8>)> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, upstream));
    let mut server = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    server.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut request = head.closing(body.len());
    request.extend_from_slice(body);
    server.write_all(&request)?;
    let mut reader = BufReader::new(server);
    let response = read_head(&mut reader)?
        .ok_or_else(|| std::io::Error::other("the server closed without answering"))?;
    let payload = read_body(&mut reader, &response, true)?;
    Ok((response, payload))
}

#[test]
fn route53_actions_are_named_from_method_and_path_and_gets_are_reads() {
    let head = |line: &str| Head {
        line: line.to_string(),
        headers: vec![(
            "Authorization".into(),
            "AWS4-HMAC-SHA256 Credential=k/20260101/ap-northeast-2/route53/aws4_request, x".into(),
        )],
    };
    let named = |line: &str| {
        let request = classify(&head(line), b"");
        (request.action, request.write)
    };
    let zone = "/2013-04-01/hostedzone/Z1D633PJN98FT9";
    let cases = [
        (
            format!("POST {zone}/rrset/ HTTP/1.1"),
            "ChangeResourceRecordSets",
            true,
        ),
        (
            format!("GET {zone}/rrset?maxitems=300 HTTP/1.1"),
            "ListResourceRecordSets",
            false,
        ),
        (
            "GET /2013-04-01/hostedzone HTTP/1.1".into(),
            "ListHostedZones",
            false,
        ),
        (format!("GET {zone} HTTP/1.1"), "GetHostedZone", false),
        (
            "GET /2013-04-01/change/C2682N5HXP0BZ4 HTTP/1.1".into(),
            "GetChange",
            false,
        ),
        (
            "GET /2013-04-01/hostedzonesbyname?dnsname=x HTTP/1.1".into(),
            "ListHostedZonesByName",
            false,
        ),
    ];
    for (line, action, write) in cases {
        assert_eq!(named(&line), (action.to_string(), write), "{line}");
    }
}
