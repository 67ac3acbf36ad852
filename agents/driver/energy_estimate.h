// energy_estimate.h: an energy ESTIMATE per inference from a device profile's
// datasheet figures (never a measurement: measured energy comes from an
// energy monitor in energy mode).
//
// Method (schemas/device-profile.schema.json, "power"):
//   E [J] = t [s] x supply_v [V] x active_ua_per_mhz [µA/MHz] x 1e-6 x clock [MHz]
// i.e. the run-mode current the datasheet quotes per MHz, at the profile's
// clock, times the supply voltage, over the measured (or emulated) time. It
// ignores wait states, peripheral and memory power and the idle current, and
// on an emulated board the time is an instruction count scaled to the clock:
// the report must say so. A profile whose "power" is null has no model and
// gets no number: we never invent one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace hb::driver {

struct PowerModel {
  double supply_v = 0;           // V
  double active_ua_per_mhz = 0;  // µA per MHz, run mode
  double idle_ua = 0;            // µA (reported, not used by the estimate)
  std::string source;            // datasheet and table the figures come from
  std::string figures_of;        // MCU the figures belong to, when not this board's
  bool verified = false;         // false until checked against the cited table
};

struct EnergyEstimate {
  double current_ma = 0;  // active_ua_per_mhz x clock MHz / 1000
  double power_mw = 0;    // current x supply
  double energy_uj = 0;   // power x time
  std::string method;     // the formula with the figures substituted
  std::string source;     // PowerModel::source (+ figures_of, verified flag)
};

// The profile's "power" object; nullopt when it is null or absent.
// DriverError::BadProfile when present but malformed.
std::optional<PowerModel> parse_power_model(const nlohmann::json& profile,
                                            const std::string& origin);
std::optional<PowerModel> load_power_model(const std::filesystem::path& profile_path);

// Energy of `seconds` of run-mode execution at clock_hz. seconds >= 0.
EnergyEstimate estimate_energy(const PowerModel& pm, uint32_t clock_hz, double seconds);

// What to print when a profile has no power model.
inline constexpr const char* kNoPowerModel = "no estimate: profile has no power model";

}  // namespace hb::driver
