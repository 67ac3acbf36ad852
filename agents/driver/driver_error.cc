#include "driver/driver_error.h"

namespace hb::driver {

const char* DriverError::kind_name() const {
  switch (kind_) {
    case Kind::kTimeout:
      return "timeout";
    case Kind::kBoardHung:
      return "board hung";
    case Kind::kFlashFailed:
      return "flash failed";
    case Kind::kProtocolError:
      return "protocol error";
    case Kind::kEmulatorFailed:
      return "emulator failed";
    case Kind::kIo:
      return "i/o error";
    case Kind::kBadProfile:
      return "bad device profile";
    case Kind::kBadImage:
      return "bad firmware image";
    case Kind::kDeviceRejected:
      return "rejected by device";
  }
  return "error";
}

}  // namespace hb::driver
