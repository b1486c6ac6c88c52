// Precompiled header shared by every test executable.
#pragma once

#include "detail/pch.hpp"

#include <boost/test/unit_test.hpp>
