//! The container files, checked without Docker: every `DUET_*` variable compose.yaml sets is one
//! the binary reads, both nodes share PostgreSQL and the bus and listen on every interface, the
//! balancer health-checks `/readyz`, and the image runs as a user other than root.

use std::collections::BTreeMap;
use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn compose() -> Yaml {
    YamlLoader::load_from_str(&read("compose.yaml"))
        .expect("compose.yaml is YAML")
        .remove(0)
}

/// A service's `environment`, written as a mapping or as a list of `NAME=value`.
fn environment(service: &Yaml) -> BTreeMap<String, String> {
    let text = |value: &Yaml| match value {
        Yaml::String(s) | Yaml::Real(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        _ => String::new(),
    };
    match &service["environment"] {
        Yaml::Hash(map) => map.iter().map(|(k, v)| (text(k), text(v))).collect(),
        Yaml::Array(list) => list
            .iter()
            .filter_map(|item| item.as_str()?.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// The services that run the Duet image.
fn nodes(compose: &Yaml) -> Vec<(String, Yaml)> {
    let services = compose["services"]
        .as_hash()
        .expect("compose.yaml has services");
    services
        .iter()
        .filter(|(_, service)| service["image"].as_str() == Some("duet:local"))
        .map(|(name, service)| (name.as_str().unwrap().to_owned(), service.clone()))
        .collect()
}

#[test]
fn every_duet_variable_compose_sets_is_one_the_binary_reads() {
    let compose = compose();
    let known = duet::config::Config::variable_names();
    for (name, service) in compose["services"].as_hash().unwrap() {
        for variable in environment(service)
            .keys()
            .filter(|v| v.starts_with("DUET_"))
        {
            assert!(
                known.contains(variable),
                "{name:?} sets {variable}, which Duet does not read; known: {known:?}"
            );
        }
    }
}

#[test]
fn two_nodes_share_postgresql_and_the_bus_and_listen_on_every_interface() {
    let compose = compose();
    let nodes = nodes(&compose);
    assert_eq!(nodes.len(), 2, "two Duet nodes");
    for (name, service) in nodes {
        let env = environment(&service);
        let database = env.get("DUET_DATABASE_URL").map(String::as_str);
        assert!(
            database.is_some_and(|url| url.starts_with("postgres://")),
            "{name}"
        );
        let bus = env.get("DUET_BUS_URL").map(String::as_str);
        assert!(bus.is_some_and(|url| url.starts_with("nats://")), "{name}");
        let listen = env.get("DUET_LISTEN").map(String::as_str);
        assert!(
            listen.is_some_and(|at| at.starts_with("0.0.0.0:")),
            "{name}"
        );
    }
    for service in ["postgres", "nats", "lb"] {
        assert!(!compose["services"][service].is_badvalue(), "{service}");
    }
}

#[test]
fn the_balancer_sends_traffic_only_to_ready_nodes_named_in_compose() {
    let haproxy = read("deploy/haproxy.cfg");
    assert!(haproxy.contains("option httpchk GET /readyz"), "{haproxy}");
    assert!(
        haproxy.contains("if { path /metrics }"),
        "metrics stay off the public side"
    );
    for (name, _) in nodes(&compose()) {
        assert!(
            haproxy.contains(&format!("server {name} {name}:8080")),
            "{name}"
        );
    }
}

#[test]
fn the_image_runs_as_a_user_other_than_root_and_keeps_build_output_out() {
    let dockerfile = read("Dockerfile");
    let runtime = dockerfile
        .rsplit_once("\nFROM ")
        .expect("a multi-stage Dockerfile")
        .1;
    let user = runtime
        .lines()
        .find_map(|line| line.trim().strip_prefix("USER "))
        .expect("the runtime stage sets USER");
    assert!(!matches!(user.trim(), "root" | "0" | "0:0"), "{user}");
    assert!(runtime.contains("EXPOSE 8080"));
    let ignored = read(".dockerignore");
    for path in ["target/", "node_modules/", "duet-data/"] {
        assert!(ignored.contains(path), "{path}");
    }
}
