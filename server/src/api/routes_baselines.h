// api/routes_baselines.h: the CI gate's API v1 handlers (schemas/openapi.yaml,
// "Baselines" and "Gates"). routes.cc registers them; they read and write the
// Store directly (a baseline or gate verdict changes no job or board, so the
// JobService is not involved).
//
//   GET  /baselines?model=&profile=&metric=&active=1   -> baseline-list.schema.json
//   POST /baselines   baseline-request.schema.json     -> 201 baseline-list.schema.json
//   GET  /gates?model=&profile=&branch=&limit=         -> gate-list.schema.json
//   POST /gates       gate-request.schema.json         -> 201 gate.schema.json
//
// `model` matches a model_key (stable name) or a model_id (sha256).
// Errors: ApiError (BadRequest naming the field, NotFound for an unknown job,
// Conflict for a job without a result, Unprocessable for a metric the result
// does not carry).
#pragma once

#include <cstdint>

#include "api/http_server.h"
#include "hbs/store.h"

namespace hbs::api::gate_routes {

HttpResponse list_baselines(Store& store, const HttpRequest& r);
HttpResponse post_baselines(Store& store, const HttpRequest& r, int64_t now_ms);
HttpResponse list_gates(Store& store, const HttpRequest& r);
HttpResponse post_gate(Store& store, const HttpRequest& r, int64_t now_ms);

}  // namespace hbs::api::gate_routes
