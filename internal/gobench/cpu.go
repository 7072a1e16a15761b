package gobench

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
)

// CPUName returns the CPU's name as go test's cpu: line gives it: on x86,
// the processor's brand string (CPUID), else the first model name of
// /proc/cpuinfo (Linux), else "". It is the standard library's
// internal/sysinfo.CPUName, which cannot be imported, done the same way.
var CPUName = sync.OnceValue(func() string {
	if name := brandString(); name != "" {
		return name
	}
	return procCPUInfoName()
})

// brandFromRegisters is internal/cpu.Name's brand string from the 12
// registers of CPUID leaves 0x80000002 to 0x80000004: leading spaces
// trimmed, cut at the first NUL; trailing spaces kept.
func brandFromRegisters(regs [12]uint32) string {
	data := make([]byte, 0, 48)
	for _, r := range regs {
		data = append(data, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
	}
	data = bytes.TrimLeft(data, " ")
	if i := bytes.IndexByte(data, 0); i >= 0 {
		data = data[:i]
	}
	return string(data)
}

// procCPUInfoName is internal/sysinfo's osCPUInfoName for Linux: the model
// name in the first 512 bytes of /proc/cpuinfo, with its MHz where the
// name holds no frequency.
func procCPUInfoName() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 512)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF {
		return ""
	}
	return cpuInfoName(buf[:n])
}

func cpuInfoName(buf []byte) string {
	model, mhz := "", ""
	sc := bufio.NewScanner(bytes.NewReader(buf))
	for sc.Scan() {
		key, value, found := strings.Cut(sc.Text(), ": ")
		if !found {
			continue
		}
		switch strings.TrimSpace(key) {
		case "Model Name", "model name":
			model = value
		case "CPU MHz", "cpu MHz":
			mhz = value
		}
	}
	if model == "" || mhz == "" || strings.Contains(model, "GHz") || strings.Contains(model, "MHz") {
		return model
	}
	return model + " @ " + mhz + "MHz"
}
