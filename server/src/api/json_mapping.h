// api/json_mapping.h: domain records <-> API JSON (schemas/api/*.schema.json).
//
// Parsers throw ApiError::BadRequest naming the offending field ("runs: must
// be an integer in 1..100000"), so a client can fix its request.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "hbc/compile.h"
#include "hbs/store.h"
#include "hbs/types.h"

namespace hbs::api {

nlohmann::json to_json(const Job& j);          // job.schema.json
nlohmann::json to_json(const Board& b);        // board.schema.json
nlohmann::json to_json(const ModelRecord& m);  // model.schema.json
nlohmann::json to_json(const Result& r);       // result-record.schema.json
nlohmann::json to_json(const BoardSelector& s);
nlohmann::json to_json(const Baseline& b);    // baseline.schema.json
nlohmann::json to_json(const GateRecord& g);  // gate.schema.json

// The compiler's inspection as stored in ModelRecord::inspection.
nlohmann::json inspection_json(const hbc::InspectReport& r);

// A job request body (job-request.schema.json) -> JobSpec. Defaults follow
// JobSpec. Does not check that the model or boards exist.
JobSpec parse_job_request(const nlohmann::json& body);

// "mps2-an386" (a profile id), "core=cortex-m4", "core=cortex-m4,emulated=true",
// "mps2-an386,emulated=true" -> selector. `field` names it in errors.
BoardSelector parse_selector_string(const std::string& s, const std::string& field);
// Human form for messages: "profile=mps2-an386, core=cortex-m4" or "any board".
std::string describe(const BoardSelector& s);

// Parses a request body as a JSON object; BadRequest on malformed JSON or a
// non-object.
nlohmann::json parse_body_object(const std::string& body);

}  // namespace hbs::api
