// Discovery of an SSH-only source machine (P2V), as one POSIX sh script run
// through the host transport's fixed-program path (the script on stdin, never
// parsed by the login shell). It only reads: nothing on the source changes.
// Each section starts with "==VD <name>"; src/shared/p2v/discovery.ts parses
// them and tolerates any section that is missing or garbled.
export const DISCOVERY_SCRIPT = `
export LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
priv() { if [ "$(id -u)" = 0 ]; then "$@"; elif sudo -n true 2>/dev/null; then sudo -n "$@"; else return 1; fi; }
echo "==VD id"; id -u; if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then echo sudo-ok; fi
echo "==VD hostname"; hostname 2>/dev/null || cat /proc/sys/kernel/hostname
echo "==VD uname"; uname -r
echo "==VD osrelease"; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
echo "==VD efi"; if [ -d /sys/firmware/efi ]; then echo yes; else echo no; fi
echo "==VD nproc"; nproc 2>/dev/null
echo "==VD cpuinfo"; grep -E '^(processor|model name)' /proc/cpuinfo 2>/dev/null
echo "==VD meminfo"; grep -E '^MemTotal:' /proc/meminfo
echo "==VD lsblk"; lsblk -J -b -o NAME,PATH,SIZE,TYPE,RO,RM,FSTYPE,PTTYPE,LABEL,MOUNTPOINTS,MODEL,TRAN 2>/dev/null
echo "==VD mountinfo"; cat /proc/self/mountinfo
echo "==VD ipaddr"; ip -j addr 2>/dev/null
echo "==VD mdstat"; cat /proc/mdstat 2>/dev/null
echo "==VD vgs"; priv vgs --reportformat json --units b -o vg_name,vg_size,vg_free 2>/dev/null
echo "==VD lvs"; priv lvs --reportformat json --units b -o lv_name,vg_name,lv_size,lv_path,lv_attr 2>/dev/null
# lsblk takes FSTYPE/PTTYPE/LABEL from udev's database; a rescue system or a
# container without udev has none, so probe the devices (read-only) as well.
echo "==VD blkid"; for d in $(lsblk -nrpo PATH 2>/dev/null); do echo "DEVNAME=$d"; priv blkid -p -o export "$d" 2>/dev/null | grep -E '^(TYPE|PTTYPE|LABEL)='; done
echo "==VD end"
`;
