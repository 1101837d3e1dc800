# Thin driver over CMake.  `make` builds, `make check` runs every suite
# twice (warnings as errors, then ASan+UBSan), `make demo` shows a message
# crossing processes, `make install PREFIX=...`, `make bench`, `make fuzz`.
PREFIX ?= /usr/local
BUILD  ?= build
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE  ?= cmake

.PHONY: all deps check check-plain check-asan check-tsan demo install bench fuzz clean

all:
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	$(CMAKE) --build $(BUILD) -j$(JOBS)

deps:
	@scripts/deps.sh --net

check: deps check-plain check-asan

check-plain:
	$(CMAKE) -S . -B $(BUILD)-check -DMAILSLOT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	$(CMAKE) --build $(BUILD)-check -j$(JOBS)
	cd $(BUILD)-check && ctest -j$(JOBS) --output-on-failure

check-asan:
	$(CMAKE) -S . -B $(BUILD)-asan -DMAILSLOT_WERROR=ON -DMAILSLOT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	$(CMAKE) --build $(BUILD)-asan -j$(JOBS)
	cd $(BUILD)-asan && ctest -j$(JOBS) --output-on-failure

# The suites with threads and forks under ThreadSanitizer (not part of
# `check`: a third tree).  symbolize=0: a symbolizer process started inside
# a test's server would hold its mailslot's name past its death.
TSAN_SUITES = platform_test|local_test|hostile_test|stress_test|fuzz_replay_local
check-tsan:
	$(CMAKE) -S . -B $(BUILD)-tsan -DMAILSLOT_WERROR=ON -DMAILSLOT_TSAN=ON -DCMAKE_BUILD_TYPE=Debug
	$(CMAKE) --build $(BUILD)-tsan -j$(JOBS)
	cd $(BUILD)-tsan && TSAN_OPTIONS="symbolize=0 halt_on_error=1" \
	    ctest -j$(JOBS) --output-on-failure -R '$(TSAN_SUITES)'

demo: all
	@demo/run-demo.sh $(BUILD)/demo/ms_server $(BUILD)/demo/ms_client

install: all
	$(CMAKE) --install $(BUILD) --prefix $(PREFIX)

bench:
	$(CMAKE) -S . -B $(BUILD)-bench -DCMAKE_BUILD_TYPE=Release -DMAILSLOT_TESTS=OFF
	$(CMAKE) --build $(BUILD)-bench -j$(JOBS)
	bench/run.sh $(BUILD)-bench

fuzz:
	$(CMAKE) -S . -B $(BUILD)-fuzz -DCMAKE_C_COMPILER=clang -DMAILSLOT_FUZZ=ON
	$(CMAKE) --build $(BUILD)-fuzz -j$(JOBS)

clean:
	rm -rf $(BUILD) $(BUILD)-check $(BUILD)-asan $(BUILD)-tsan $(BUILD)-bench $(BUILD)-fuzz
