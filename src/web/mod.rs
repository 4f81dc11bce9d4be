//! The thin axum layer: pages, JSON API, WebSocket endpoint and embedded assets.
//!
//! Every path the service answers is listed in [`router`].

pub mod action;
pub mod annotation;
pub mod api;
pub mod assets;
pub mod auth;
pub mod binary;
pub mod client_address;
pub mod demo;
pub mod demo_chat;
pub mod entra;
pub mod error;
pub mod forward;
pub mod health;
pub mod limits;
pub mod pages;
pub mod protocol;
#[cfg(test)]
pub(crate) mod protocol_ts;
pub mod share_page;
pub mod signin;
pub mod staff_pages;
pub mod state;
pub mod tokens;
pub mod webresources;
pub mod ws;

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use axum::extract::MatchedPath;
use axum::http::{HeaderValue, Request, header};
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::cli::ServeArgs;
use crate::config::Config;
use crate::service::Service;
pub use state::AppState;

/// How long requests in flight may take to finish once a stop is asked for.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Builds the app. Paths:
/// `GET /healthz`, `GET /readyz`, `GET /metrics` (operators); `GET /` (demo index); `GET /console` (agent console);
/// `GET /demo/shop`, `GET /demo/omnichannel`, `GET /demo/pwned`, `GET /demo/pwned/count`,
/// `POST /demo/chat/{conversation}/context`, `GET /api/data/v9.2/msdyn_ocliveworkitemcontextitems` (demo);
/// `GET /share` (the customer's screen-share page);
/// `GET /sdk.js`, `GET /assets/{console,host,shop,share,admin}.js` (bundles);
/// `GET /webresource/{cobrowse,screenshare,config}.html`, and for the demo the org Web API call
/// they make, `GET /api/data/v9.2/environmentvariabledefinitions`; `GET /api/version`;
/// `POST /api/sessions`, `POST /api/sessions/{id}/end` (customer);
/// `POST /api/agent/signin`, `GET /api/agent/pending`, `POST /api/agent/sessions/{id}/join`,
/// `POST /api/conversations/{id}/end` (agent); `POST /api/agent/screenshare`,
/// `POST /api/screenshare/lookup`, `POST /api/screenshare/{id}/end` (screen share);
/// `GET|POST /api/tenant/bookmarks`, `PUT|DELETE /api/tenant/bookmarks/{id}` (tenant settings);
/// `GET /api/tenant/audit` (the audit trail, administrator only);
/// `GET /api/tenant`, `PUT /api/tenant/policy` (the administrator's view of the tenant);
/// `GET /admin` (the tenant administrator's page); `GET /supervisor` (the supervisor's page);
/// `GET /api/supervisor/sessions`, `GET /api/supervisor/sessions/{id}/recording` (supervisors);
/// `POST /api/sessions/{id}/assets`, `PUT /api/sessions/{id}/assets/{sha256}` (the customer's
/// page assets), `GET /page-assets/{id}/{key}` (the mirror's assets); `POST /api/frames/parent`
/// (a framed page asks whether its parent may have it);
/// `GET /auth/signin`, `GET /auth/callback` (agent sign-in with Microsoft Entra ID);
/// `GET /api/ws` (WebSocket, co-browse and screen share).
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(pages::router())
        .merge(demo::router())
        .merge(assets::router())
        .merge(webresources::router())
        .merge(api::customer::router())
        .merge(api::frames::router())
        .merge(api::agent::router())
        .merge(entra::router())
        .merge(api::share::router())
        .merge(api::tenant::router())
        .merge(api::audit::router())
        .merge(api::overview::router())
        .merge(api::page_assets::router())
        .merge(api::supervisor::router())
        .merge(staff_pages::router())
        .merge(share_page::router())
        .merge(ws::router())
        // In a cluster, what acts on a session another node holds is answered by that node.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            forward::to_holder,
        ))
        // Behind a trusted balancer, the client is the one `X-Forwarded-For` names (before
        // anything reads the address).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            client_address::from_proxies,
        ))
        // Every response, errors and 404s included: a browser must never guess a type (a JSON
        // error or a customer's text read as HTML or script).
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                // The matched path only: query strings can carry tokens.
                let path = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map(MatchedPath::as_str)
                    .unwrap_or("unmatched");
                tracing::info_span!("request", method = %request.method(), path)
            }),
        )
        .with_state(state)
}

/// A bound listener, the service under it, and the app it serves.
pub struct Server {
    listener: TcpListener,
    service: Service,
    state: AppState,
}

impl Server {
    /// Starts the service (store, journal, resumed sessions), binds `listen` (port 0 picks a
    /// free port) and builds the state for that address.
    pub async fn bind(config: &Config, listen: SocketAddr) -> anyhow::Result<Self> {
        let service = Service::start(config).await?;
        let listener = TcpListener::bind(listen).await.with_context(|| {
            format!("cannot listen on {listen}: is another program using it? Pick another with --listen or DUET_LISTEN")
        })?;
        let local = listener.local_addr().context("reading the bound address")?;
        let public_origin = config
            .public_url
            .clone()
            .map(|url| url.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("http://{local}"));
        let state = AppState::new(config, &service, public_origin, local.ip().is_loopback())?;
        Ok(Self {
            listener,
            service,
            state,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The shared state (for tests that drive the engine directly).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, with the service's background work running; a clean
    /// stop writes the last activity and heartbeat.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let background = self.service.run_in_background();
        let stopping = self.state.stopping.clone();
        let app = router(self.state.clone());
        tokio::spawn(ws::answer_calls(self.state, app.clone()));
        let app = app.into_make_service_with_connect_info::<SocketAddr>();
        // Small frames (pointers, keystrokes) must not wait for Nagle's algorithm.
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let (stop_sent, stop_asked) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async move {
            shutdown.await;
            // Sockets are told to reconnect (elsewhere, in a cluster) before the stop.
            stopping.cancel();
            let _ = stop_sent.send(());
        };
        let served = axum::serve(listener, app).with_graceful_shutdown(shutdown);
        // Requests in flight get a little time to finish; a stop never waits longer.
        let overdue = async {
            let _ = stop_asked.await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        };
        let served = tokio::select! {
            served = served => served,
            () = overdue => Ok(()),
        };
        background.stop().await;
        served.context("serving HTTP")
    }
}

/// Runs `duet serve` until interrupted (Ctrl-C or SIGTERM).
pub async fn serve(config: Config, args: ServeArgs) -> anyhow::Result<()> {
    let listen = args.listen.unwrap_or(config.listen);
    let server = Server::bind(&config, listen).await?;
    let local = server.local_addr()?;
    println!("Duet is listening on http://{local}");
    println!("Open http://{local}/ for the demo.");
    tracing::info!(address = %local, origin = %server.state.settings.public_origin, store = server.service.store.dialect(), "Duet started");
    server.run(stop_signal()).await
}

/// Resolves on Ctrl-C or SIGTERM, whichever comes first.
async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return std::mem::drop(interrupt.await),
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
