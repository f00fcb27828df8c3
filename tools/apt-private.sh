# Sourced by the fetch scripts: apt_opts, the options that point apt-get
# and apt-cache at the project's private apt state in $apt_dir (its lists,
# sources and downloads), so the machine's own apt state is never used.
apt_opts=(
	-o "Dir::Etc::SourceList=$apt_dir/sources.list"
	-o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
	-o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::Cache::Archives=$apt_dir/archives"
	-o "Dir::Cache::pkgcache="
	-o "Dir::Cache::srcpkgcache="
	-o "APT::Get::List-Cleanup=0"
	-o "APT::Sandbox::User=root"
	-qq
)
