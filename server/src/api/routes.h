// api/routes.h: API v1 (schemas/openapi.yaml) as one Handler for HttpServer.
//
// Api owns no state: it reads the Store and ArtifactStore directly for
// queries, and sends every state change through the JobService. Auth: a
// Bearer token (Store::token_role) with role "user" or "admin" on every
// mutating user endpoint, "admin" for board maintenance, "agent" (or admin)
// for /agent/*. Reads are open unless `auth_reads`.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/http_server.h"
#include "api/service_api.h"
#include "hbs/store.h"

namespace hbs::api {

struct ApiOptions {
  bool auth_reads = false;                 // GETs need any valid token too
  std::chrono::seconds max_poll_wait{30};  // cap on /agent/jobs?wait=
  std::string web_dir;                     // static dashboard files at /, or ""
};

class Api {
 public:
  Api(Store& store, ArtifactStore& artifacts, JobService& service, ApiOptions opts);
  ~Api();
  // Routes one request; never throws (errors become ApiError responses).
  HttpResponse handle(HttpRequest& req);
  Handler handler() {
    return [this](HttpRequest& r) { return handle(r); };
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hbs::api
