//! Checks a request against GitHub's OpenAPI description (the 2026-12 subset in
//! `tests/data/api/`): its path matches a template, the method is described there, and
//! the body holds only described properties, every required one, of the described types,
//! with at least `minProperties`; an operation without a request body gets none.

use serde_json::Value;
use std::sync::OnceLock;

fn description() -> &'static Value {
    static DESCRIPTION: OnceLock<Value> = OnceLock::new();
    DESCRIPTION.get_or_init(|| {
        let text = std::fs::read_to_string(super::repo_path(
            "tests/data/api/openapi-2026-12-subset.json",
        ))
        .expect("the OpenAPI subset");
        serde_json::from_str(&text).expect("OpenAPI JSON")
    })
}

fn matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}

fn type_fits(schema: &Value, value: &Value) -> bool {
    let fits = |name: &str| match name {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_u64() || value.is_i64(),
        "number" => value.is_number(),
        "array" => value.as_array().is_some_and(|items| {
            schema
                .get("items")
                .is_none_or(|s| items.iter().all(|i| type_fits(s, i)))
        }),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    };
    match schema.get("type") {
        Some(Value::String(name)) => fits(name),
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).any(fits),
        _ => true,
    }
}

/// Whether `method path` with `body` (the path without its query) is a request GitHub's
/// description allows; why not otherwise.
pub fn check(method: &str, path: &str, body: &Value) -> Result<(), String> {
    let path = path.split('?').next().unwrap_or(path);
    let paths = description()["paths"].as_object().expect("paths");
    let Some((template, item)) = paths.iter().find(|(t, _)| matches(t, path)) else {
        return Err(format!("no path of the description matches `{path}`"));
    };
    let Some(operation) = item.get(method.to_lowercase()) else {
        return Err(format!("`{template}` describes no {method}"));
    };
    let schema = operation.pointer("/requestBody/content/application~1json/schema");
    let Some(schema) = schema else {
        return if body.is_null() {
            Ok(())
        } else {
            Err(format!("{method} {template} takes no body, but got {body}"))
        };
    };
    let Some(object) = body.as_object() else {
        return Err(format!("{method} {template} takes an object, got {body}"));
    };
    let properties = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (key, value) in object {
        let Some(property) = properties.get(key) else {
            return Err(format!(
                "{method} {template}: `{key}` is not a property it describes"
            ));
        };
        if !type_fits(property, value) {
            return Err(format!(
                "{method} {template}: `{key}` has the wrong type: {value}"
            ));
        }
    }
    for required in schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !object.contains_key(required) {
            return Err(format!("{method} {template}: `{required}` is required"));
        }
    }
    if let Some(min) = schema["minProperties"].as_u64()
        && (object.len() as u64) < min
    {
        return Err(format!("{method} {template}: at least {min} properties"));
    }
    Ok(())
}

/// Panics unless every request `fake` received is one the description allows.
pub fn check_all(fake: &super::FakeGitHub) {
    for request in &fake.state().requests {
        if let Err(why) = check(&request.method, &request.path, &request.body) {
            panic!("{} {}: {why}", request.method, request.path);
        }
    }
}
