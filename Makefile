# SPDX-License-Identifier: MIT
# Thin driver over CMake.  `make` builds, `make check` runs every suite
# twice (warnings as errors, then ASan+UBSan) and the threaded suites under
# TSan, `make demo` shows a message
# crossing processes, `make demo-gui` opens the same demo as two windows,
# `make install PREFIX=...` and `make uninstall`, `make bench`, `make fuzz`.
PREFIX ?= /usr/local
BUILD  ?= build
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE  ?= cmake

.PHONY: all deps check check-plain check-asan check-tsan check-spdx check-sizes demo demo-gui install uninstall bench fuzz clean

all:
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	$(CMAKE) --build $(BUILD) -j$(JOBS)

deps:
	@scripts/deps.sh --net

# The host's service state (enabled units, boot links, running system
# daemons) is recorded first and must be the same at the end: installing
# test peers and packages must not leave a service behind.
check:
	@mkdir -p $(BUILD)-check
	@scripts/services.sh save $(BUILD)-check/services.before
	@scripts/spdx.sh --check-adopted
	@scripts/sizes.sh
	$(MAKE) deps check-plain check-asan check-tsan
	@scripts/services.sh compare $(BUILD)-check/services.before

check-plain:
	$(CMAKE) -S . -B $(BUILD)-check -DMAILSLOT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	$(CMAKE) --build $(BUILD)-check -j$(JOBS)
	cd $(BUILD)-check && ctest -j$(JOBS) --output-on-failure

check-asan:
	$(CMAKE) -S . -B $(BUILD)-asan -DMAILSLOT_WERROR=ON -DMAILSLOT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	$(CMAKE) --build $(BUILD)-asan -j$(JOBS)
	cd $(BUILD)-asan && ctest -j$(JOBS) --output-on-failure

# Every source file names its licence; scripts/spdx.sh --fix adds the line.
# make check runs this once the tree has adopted the lines.
check-spdx:
	@scripts/spdx.sh --check

# No file under src/ over 700 lines, no function over 80, but for the
# exceptions scripts/sizes.sh names with their reasons; make check runs it.
check-sizes:
	@scripts/sizes.sh --all

# The suites with threads and forks under ThreadSanitizer (not part of
# `check`: a third tree).  symbolize=0: a symbolizer process started inside
# a test's server would hold its mailslot's name past its death.
TSAN_SUITES = platform_test|local_test|local_lifetime_test|local_wakeup_test|ring_test|hostile_test|hostile_server_test|hostile_quota_test|hostile_daemon_test|stress_test|fuzz_replay_local
check-tsan:
	$(CMAKE) -S . -B $(BUILD)-tsan -DMAILSLOT_WERROR=ON -DMAILSLOT_TSAN=ON -DCMAKE_BUILD_TYPE=Debug
	$(CMAKE) --build $(BUILD)-tsan -j$(JOBS)
	cd $(BUILD)-tsan && TSAN_OPTIONS="symbolize=0 halt_on_error=1" \
	    ctest -j$(JOBS) --output-on-failure -R '$(TSAN_SUITES)'

demo: all
	@demo/run-demo.sh $(BUILD)/demo/ms_server $(BUILD)/demo/ms_client

demo-gui: all
	@examples/gui/run-gui.sh $(BUILD)/examples/gui/ms_server_gtk $(BUILD)/examples/gui/ms_client_gtk

# The prefix reaches the configure step too: GNUInstallDirs picks the
# library directory from it (lib/x86_64-linux-gnu for /usr on Debian).
# Installing records every file in $(BUILD)/install_manifest.txt, which
# uninstall reads.
install:
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	$(CMAKE) --build $(BUILD) -j$(JOBS)
	$(CMAKE) --install $(BUILD) --prefix $(PREFIX)

uninstall:
	$(CMAKE) -DMANIFEST=$(BUILD)/install_manifest.txt -P cmake/uninstall.cmake

bench:
	$(CMAKE) -S . -B $(BUILD)-bench -DCMAKE_BUILD_TYPE=Release -DMAILSLOT_TESTS=OFF
	$(CMAKE) --build $(BUILD)-bench -j$(JOBS)
	bench/run.sh $(BUILD)-bench

fuzz:
	$(CMAKE) -S . -B $(BUILD)-fuzz -DCMAKE_C_COMPILER=clang -DMAILSLOT_FUZZ=ON
	$(CMAKE) --build $(BUILD)-fuzz -j$(JOBS)

clean:
	rm -rf $(BUILD) $(BUILD)-check $(BUILD)-asan $(BUILD)-tsan $(BUILD)-bench $(BUILD)-fuzz
