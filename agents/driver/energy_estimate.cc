// energy_estimate.cc: see energy_estimate.h.
#include "driver/energy_estimate.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "driver/driver_error.h"

namespace hb::driver {

std::optional<PowerModel> parse_power_model(const nlohmann::json& profile,
                                            const std::string& origin) {
  if (!profile.is_object() || !profile.contains("power") || profile["power"].is_null()) {
    return std::nullopt;
  }
  const auto& p = profile["power"];
  auto num = [&](const char* key, bool positive) {
    if (!p.contains(key) || !p[key].is_number()) {
      throw DriverError::BadProfile(origin + ": power." + key + " must be a number");
    }
    const double v = p[key].get<double>();
    if (v < 0 || (positive && v == 0)) {
      throw DriverError::BadProfile(origin + ": power." + key + " must be " +
                                    (positive ? "> 0" : ">= 0"));
    }
    return v;
  };
  PowerModel m;
  m.supply_v = num("supply_v", true);
  m.active_ua_per_mhz = num("active_ua_per_mhz", true);
  m.idle_ua = p.contains("idle_ua") ? num("idle_ua", false) : 0;
  if (!p.contains("source") || !p["source"].is_string() || p["source"].get<std::string>().empty()) {
    throw DriverError::BadProfile(origin + ": power.source must name the datasheet");
  }
  m.source = p["source"].get<std::string>();
  if (p.contains("figures_of") && p["figures_of"].is_string()) m.figures_of = p["figures_of"];
  m.verified = p.contains("verified") && p["verified"].is_boolean() && p["verified"].get<bool>();
  return m;
}

std::optional<PowerModel> load_power_model(const std::filesystem::path& profile_path) {
  std::ifstream f(profile_path);
  if (!f) throw DriverError::BadProfile(profile_path.string() + ": cannot open");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception& e) {
    throw DriverError::BadProfile(profile_path.string() + ": " + e.what());
  }
  return parse_power_model(j, profile_path.string());
}

EnergyEstimate estimate_energy(const PowerModel& pm, uint32_t clock_hz, double seconds) {
  EnergyEstimate e;
  const double mhz = clock_hz / 1e6;
  e.current_ma = pm.active_ua_per_mhz * mhz / 1000.0;
  e.power_mw = e.current_ma * pm.supply_v;
  e.energy_uj = e.power_mw * seconds * 1000.0;  // mW x s = mJ; x 1000 = µJ
  char buf[256];
  std::snprintf(buf, sizeof buf, "time x %.3g V x (%.4g uA/MHz x %.6g MHz) = time x %.4g mW",
                pm.supply_v, pm.active_ua_per_mhz, mhz, e.power_mw);
  e.method = buf;
  e.source = pm.source;
  if (!pm.figures_of.empty()) e.source += " [figures of " + pm.figures_of + "]";
  e.source += pm.verified ? " (verified)" : " (unverified)";
  return e;
}

}  // namespace hb::driver
