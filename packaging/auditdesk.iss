; Inno Setup 6 script: wraps the PyInstaller bundle dist\AuditDesk\ into AuditDesk-Setup-<version>.exe.
;
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\auditdesk.iss
;
; Run from the repository root after `py dev.py bundle` (.github/workflows/windows.yml does both).
; Per-user install without administrator rights (PrivilegesRequired=lowest: {autopf} is
; %LOCALAPPDATA%\Programs, shortcuts go to the user's Start menu and desktop). The user's data
; (platformdirs' user_data_dir: %LOCALAPPDATA%\AuditDesk) is a different folder that this
; installer never writes, so the uninstaller, which removes only what it installed, keeps it.
; Chinese texts: Inno Setup 6 ships no ChineseSimplified.isl (Inno Setup 7.0.2 added an official
; one), so the repository carries its own (packaging\ChineseSimplified.isl), layered over
; Default.isl: "When multiple files are specified, they are read in the order they are specified,
; thus the last message file overrides any language options or messages from previous files"
; (help, [Languages] MessagesFile); a message it lacks (mostly pages this setup never shows) stays
; English. Compiles with Inno Setup 6.3+ and 7 (the workflow uses whichever the runner has).

#if VER < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (x64compatible)
#endif

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
; AppId identifies the installation for upgrades and the uninstaller: never change it.
AppId={{C0EB175D-45AA-4BEB-9E84-1B8AFA7CAC09}
AppName=AuditDesk 用工体检台
AppVersion={#AppVersion}
AppVerName=AuditDesk 用工体检台 {#AppVersion}
AppPublisher=AuditDesk
DefaultDirName={autopf}\AuditDesk
DefaultGroupName=AuditDesk 用工体检台
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
; An administrator may still install for all users with /ALLUSERS on the command line.
PrivilegesRequiredOverridesAllowed=commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=dist
OutputBaseFilename=AuditDesk-Setup-{#AppVersion}
SourceDir=..
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; Setup's own icon; the doc asks for 16, 32, 48, 64 and 256 px (the file has 16-256). Relative to
; SourceDir. The programs carry the same icon (EXE(icon=) in the spec).
SetupIconFile=packaging\auditdesk.ico
UninstallDisplayIcon={app}\AuditDesk.exe
UninstallDisplayName=AuditDesk 用工体检台
; AuditDesk.exe may be running during an upgrade or uninstall: ask to close it.
CloseApplications=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Default.isl,packaging\ChineseSimplified.isl"

[CustomMessages]
chinesesimplified.CreateDesktopIcon=创建桌面快捷方式(&D)
chinesesimplified.AdditionalIcons=附加快捷方式：
chinesesimplified.LaunchProgram=运行 AuditDesk 用工体检台

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade over an older version: PyInstaller's _internal\ holds that version's libraries, and a
; DLL or module the new build no longer has would otherwise stay and could be loaded. The folder
; holds nothing of the user's (their data lives elsewhere), so it is replaced as a whole.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "dist\AuditDesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\AuditDesk 用工体检台"; Filename: "{app}\AuditDesk.exe"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\AuditDesk 用工体检台"; Filename: "{app}\AuditDesk.exe"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\AuditDesk.exe"; Description: "{cm:LaunchProgram}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete]: the uninstaller removes the files it installed and the {app} folder when
; it is empty; nothing may name the data folder (%LOCALAPPDATA%\AuditDesk), which holds the
; user's database, evidence files and backups.
